package dev.sekisho.scanner.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.match.MavenGroupInference.Choice;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rules that choose a Maven group for an archive that does not declare one. */
class MavenGroupInferenceTest {

  /** A case: the database's groups for the artifactId, the manifest headers, the choice. */
  record Case(
      String why,
      String artifactId,
      Set<String> groups,
      String symbolicName,
      String moduleName,
      String vendorId,
      Choice expected) {}

  private static Choice choice(String group, String rule) {
    return new Choice(group, rule);
  }

  @Test
  void choosesTheGroupByTheRulesInOrder() {
    List<Case> cases =
        List.of(
            new Case(
                "one group: the vendor id, only a prefix, does not override it",
                "velocity",
                Set.of("org.apache.velocity"),
                null,
                null,
                "org.apache",
                choice("org.apache.velocity", MavenGroupInference.ONLY_GROUP)),
            new Case(
                "one group: even one the vendor id contradicts",
                "commons-digester",
                Set.of("commons-digester"),
                null,
                null,
                "org.apache",
                choice("commons-digester", MavenGroupInference.ONLY_GROUP)),
            new Case(
                "two groups: the vendor id is a prefix of one",
                "velocity",
                Set.of("org.apache.velocity", "velocity"),
                null,
                null,
                "org.apache",
                choice("org.apache.velocity", MavenGroupInference.VENDOR_ID)),
            new Case(
                "two groups, no header: the group named like the artifact",
                "velocity",
                Set.of("org.apache.velocity", "velocity"),
                null,
                null,
                null,
                choice("velocity", MavenGroupInference.GROUP_EQUALS_ARTIFACT)),
            new Case(
                "a symbolic name inside a group beats a vendor id that is only a prefix",
                "widget",
                Set.of("com.example.widget", "com.example.tools", "widget"),
                "com.example.widget.core",
                null,
                "com.example",
                choice("com.example.widget", MavenGroupInference.SYMBOLIC_NAME)),
            new Case(
                "a symbolic name inside two nested groups: the more specific",
                "velocity",
                Set.of("org.apache", "org.apache.velocity"),
                "org.apache.velocity.engine",
                null,
                null,
                choice("org.apache.velocity", MavenGroupInference.SYMBOLIC_NAME)),
            new Case(
                "the module name singles out one group",
                "json",
                Set.of("com.example.a", "com.example.b"),
                null,
                "com.example.b.json",
                null,
                choice("com.example.b", MavenGroupInference.MODULE_NAME)),
            new Case(
                "a vendor id that is itself one of the groups",
                "core",
                Set.of("com.example", "org.example"),
                null,
                null,
                "org.example",
                choice("org.example", MavenGroupInference.VENDOR_ID)),
            new Case(
                "a header beats the group named like the artifact",
                "asm",
                Set.of("asm", "org.ow2.asm"),
                "org.ow2.asm",
                null,
                null,
                choice("org.ow2.asm", MavenGroupInference.SYMBOLIC_NAME)),
            new Case(
                "two groups, no header: unresolved",
                "json",
                Set.of("com.example.a", "com.example.b"),
                null,
                null,
                null,
                null),
            new Case(
                "two groups, a vendor id that is a prefix of both: unresolved",
                "json",
                Set.of("com.example.a", "com.example.b"),
                null,
                null,
                "com.example",
                null),
            new Case(
                "two groups, headers naming neither: unresolved",
                "json",
                Set.of("com.example.a", "com.example.b"),
                "net.other.json",
                "json",
                "net.other",
                null),
            new Case(
                "no group in the database", "json", Set.of(), "com.example.a", null, null, null));
    for (Case c : cases) {
      assertThat(
              MavenGroupInference.choose(
                  c.artifactId(),
                  new TreeSet<>(c.groups()),
                  c.symbolicName(),
                  c.moduleName(),
                  c.vendorId()))
          .as(c.why())
          .isEqualTo(Optional.ofNullable(c.expected()));
    }
  }

  private static Package maven(String name, PackageMetadata metadata) {
    return new Package(
        PackageType.MAVEN,
        name,
        "1.0",
        null,
        null,
        List.of(),
        null,
        new Location(null, "/lib/x-1.0.jar"),
        metadata);
  }

  @Test
  void onlyArchivesWithoutADeclaredGroupAreInferred() {
    assertThat(
            MavenGroupInference.artifactToInfer(
                maven(
                    "org.example:x",
                    new PackageMetadata.Java("org.example", "x", "pom.properties", null))))
        .as("pom.properties declares the group (one of a shaded jar's packages)")
        .isNull();
    assertThat(
            MavenGroupInference.artifactToInfer(
                maven("x", new PackageMetadata.Java(null, "x", "pom.properties", null))))
        .as("pom.properties without groupId")
        .isEqualTo("x");
    assertThat(
            MavenGroupInference.artifactToInfer(
                maven(
                    "org.apache:x",
                    new PackageMetadata.Java(
                        "org.apache", "x", "MANIFEST.MF", null, null, null, "org.apache", null))))
        .as("a group from the manifest's vendor id is a hint, not a declaration")
        .isEqualTo("x");
    assertThat(
            MavenGroupInference.artifactToInfer(
                maven("x", new PackageMetadata.Java(null, "x", "file name", null))))
        .isEqualTo("x");
    assertThat(MavenGroupInference.artifactToInfer(maven("x", null)))
        .as("read from an SBOM without group")
        .isEqualTo("x");
    assertThat(MavenGroupInference.artifactToInfer(maven("org.example:x", null))).isNull();
    assertThat(
            MavenGroupInference.artifactToInfer(
                new Package(PackageType.NPM, "x", "1.0", null, null, List.of(), null, null, null)))
        .isNull();
  }

  @Test
  void anInferredPackageCarriesTheGroupInNameAndPurlAndSaysHow() {
    Package bare =
        maven(
            "org.apache:velocity",
            new PackageMetadata.Java(
                "org.apache", "velocity", "MANIFEST.MF", "ab12", null, null, "org.apache", null));
    Package p =
        MavenGroupInference.withGroup(
            bare, "velocity", choice("org.apache.velocity", MavenGroupInference.ONLY_GROUP));
    assertThat(p.name()).isEqualTo("org.apache.velocity:velocity");
    assertThat(p.purl()).isEqualTo("pkg:maven/org.apache.velocity/velocity@1.0");
    assertThat(p.location()).isEqualTo(bare.location());
    assertThat(p.metadata())
        .isEqualTo(
            new PackageMetadata.Java(
                "org.apache.velocity",
                "velocity",
                "MANIFEST.MF",
                "ab12",
                null,
                null,
                "org.apache",
                MavenGroupInference.ONLY_GROUP));
    assertThat(((PackageMetadata.Java) p.metadata()).groupDeclared()).isFalse();
  }
}
