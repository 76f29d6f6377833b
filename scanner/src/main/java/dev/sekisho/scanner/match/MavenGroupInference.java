package dev.sekisho.scanner.match;

import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the Maven group of a Java archive that does not declare one (no pom.properties), among
 * the groups under which the vulnerability database holds advisories for its artifactId. OSV names
 * Maven packages {@code group:artifact}, so a bare {@code velocity} would match nothing.
 *
 * <ol>
 *   <li>One group in the database has the artifactId: that group ({@code only-group-in-database}),
 *       even against a manifest vendor id, which often names only the vendor ({@code org.apache}
 *       for {@code org.apache.velocity:velocity}) or not even that ({@code commons-digester}).
 *   <li>Several do: the one the manifest singles out. A header value equal to a group, or inside it
 *       ({@code Bundle-SymbolicName: org.apache.velocity.engine} is inside {@code
 *       org.apache.velocity}), beats one that is only its prefix ({@code Implementation-Vendor-Id:
 *       org.apache}); among groups a value is inside, the longest wins. The rule is named after the
 *       header ({@code bundle-symbolic-name}, {@code automatic-module-name}, {@code
 *       implementation-vendor-id}).
 *   <li>Else the group equal to the artifactId ({@code group-equals-artifact}: {@code asm:asm},
 *       {@code junit:junit}, the old Maven 1 convention).
 *   <li>Else no group is inferred and the package keeps its name.
 * </ol>
 */
final class MavenGroupInference {

  static final String ONLY_GROUP = "only-group-in-database";
  static final String SYMBOLIC_NAME = "bundle-symbolic-name";
  static final String MODULE_NAME = "automatic-module-name";
  static final String VENDOR_ID = "implementation-vendor-id";
  static final String GROUP_EQUALS_ARTIFACT = "group-equals-artifact";

  private MavenGroupInference() {}

  /** A chosen group and the rule that chose it. */
  record Choice(String group, String rule) {}

  /**
   * The artifactId whose group is to be inferred, or null when the package's group is declared (or
   * it is no Maven package).
   */
  static String artifactToInfer(Package p) {
    if (p.type() != PackageType.MAVEN) {
      return null;
    }
    if (p.metadata() instanceof PackageMetadata.Java j) {
      return j.groupDeclared() || j.artifactId() == null ? null : j.artifactId();
    }
    // read from an SBOM: a name without group
    return p.name().contains(":") ? null : p.name();
  }

  /**
   * The group for {@code artifactId} among {@code groups} (those in the database), given the
   * archive's manifest headers (each may be null).
   */
  static Optional<Choice> choose(
      String artifactId,
      Set<String> groups,
      String bundleSymbolicName,
      String automaticModuleName,
      String vendorId) {
    if (groups.isEmpty()) {
      return Optional.empty();
    }
    if (groups.size() == 1) {
      return Optional.of(new Choice(groups.iterator().next(), ONLY_GROUP));
    }
    String[][] hints = {
      {bundleSymbolicName, SYMBOLIC_NAME},
      {automaticModuleName, MODULE_NAME},
      {vendorId, VENDOR_ID},
    };
    // strength 2: the header names the group or something inside it; 1: only a prefix of it
    int best = 0;
    List<Choice> top = new ArrayList<>();
    for (String g : groups) {
      int strength = 0;
      String rule = null;
      for (String[] h : hints) {
        int s = strength(h[0], g);
        if (s > strength) {
          strength = s;
          rule = h[1];
        }
      }
      if (strength > best) {
        best = strength;
        top.clear();
      }
      if (strength == best && strength > 0) {
        top.add(new Choice(g, rule));
      }
    }
    if (top.size() > 1 && best == 2) {
      // org.apache and org.apache.velocity for org.apache.velocity.engine: the more specific
      int longest = top.stream().mapToInt(c -> c.group().length()).max().orElseThrow();
      top.removeIf(c -> c.group().length() < longest);
    }
    if (top.size() == 1) {
      return Optional.of(top.getFirst());
    }
    if (groups.contains(artifactId)) {
      return Optional.of(new Choice(artifactId, GROUP_EQUALS_ARTIFACT));
    }
    return Optional.empty();
  }

  private static int strength(String hint, String group) {
    if (hint == null) {
      return 0;
    }
    if (hint.equals(group) || hint.startsWith(group + ".")) {
      return 2;
    }
    return group.startsWith(hint + ".") ? 1 : 0;
  }

  /**
   * The package under the chosen coordinates: name {@code group:artifactId}, the purl with the
   * group as namespace, and the metadata saying the group was inferred and how.
   */
  static Package withGroup(Package p, String artifactId, Choice c) {
    PackageMetadata.Java java =
        p.metadata() instanceof PackageMetadata.Java j
            ? j.withInferredGroup(c.group(), c.rule())
            : new PackageMetadata.Java(
                c.group(), artifactId, null, null, null, null, null, c.rule());
    return new Package(
        p.type(),
        c.group() + ":" + artifactId,
        p.version(),
        p.sourceName(),
        p.sourceVersion(),
        p.licenses(),
        PackageUrls.of(PackageType.MAVEN, c.group(), artifactId, p.version(), null),
        p.location(),
        java);
  }
}
