package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ClusterScanPolicySpec;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.Severity;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyFilesTest {

  private static Path file(String name) throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(PolicyFilesTest.class.getResource("files/" + name)).toURI());
  }

  @Test
  void readsTheProductionExampleCompletely() throws Exception {
    List<NamedPolicy> policies = PolicyFiles.load(file("production.yaml"));

    assertThat(policies)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.displayName()).isEqualTo("File/production");
              assertThat(p.spec()).isInstanceOf(ClusterScanPolicySpec.class);
              assertThat(p.spec().getVulnerabilities().getFailOn()).isEqualTo(Severity.High);
              assertThat(p.spec().getVulnerabilities().getCvssFloor()).isEqualTo(7.0);
              assertThat(p.spec().getExceptions().get(0).getExpires())
                  .isEqualTo(OffsetDateTime.parse("2026-12-31T00:00:00Z"));
              assertThat(p.spec().getDenyPackages()).hasSize(3);
              assertThat(p.spec().getConfig().getForbiddenPorts()).containsExactly(22, 23, 3389);
              assertThat(((ClusterScanPolicySpec) p.spec()).getNamespaceSelector().getMatchLabels())
                  .containsEntry("environment", "production");
              assertThat(PolicyValidator.validate(p.spec())).isEmpty();
            });
  }

  @Test
  void readsEveryDocumentOfAMultiDocumentFileAndSkipsEmptyOnes() throws Exception {
    List<NamedPolicy> policies = PolicyFiles.load(file("dev.yaml"));

    assertThat(policies)
        .extracting(NamedPolicy::displayName)
        .containsExactly("File/dev", "File/dev-no-kev");
    assertThat(policies.get(0).spec().getAction()).isEqualTo(PolicyAction.Warn);
    assertThat(policies.get(1).spec().getAction()).isEqualTo(PolicyAction.Enforce);
    assertThat(policies).allSatisfy(p -> assertThat(PolicyValidator.validate(p.spec())).isEmpty());
  }

  @Test
  void readsJsonListsAndArraysAndNamesUnnamedPoliciesAfterTheFile() throws Exception {
    assertThat(PolicyFiles.load(file("list.json")))
        .extracting(NamedPolicy::displayName)
        .containsExactly("File/a", "File/b");
    assertThat(PolicyFiles.load(file("array.json")))
        .extracting(NamedPolicy::displayName)
        .containsExactly("File/array.json#1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bad-unknown-field.yaml", "bad-api-version.yaml", "bad-kind.yaml", "bad-enum.yaml",
        "bad-date.yaml", "bad-top-level.yaml", "bad-yaml.yaml", "bad-empty.yaml",
        "bad-duplicate-key.yaml", "bad-missing-spec.yaml"
      })
  void rejectsBadFilesNamingFileDocumentAndField(String name) throws Exception {
    Path path = file(name);
    String first = Files.readAllLines(path).get(0);
    String expected = first.substring("# expect: ".length());

    assertThatThrownBy(() -> PolicyFiles.load(path))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining(expected)
        .hasMessageStartingWith(path.toString());
  }

  @Test
  void rejectsUnknownFieldsInJsonToo() throws Exception {
    Path path = file("bad-unknown.json");
    assertThatThrownBy(() -> PolicyFiles.load(path))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining(
            "bad-unknown.json: document 1 (j): unknown field 'spec.config.noRoot'")
        .hasMessageContaining("known: ")
        .hasMessageContaining("requireNonRoot");
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusterscanpolicy-production.yaml", "scanpolicy-dev.yaml"})
  void theShippedExamplesAreValidPolicies(String name) throws Exception {
    // Maven runs the tests in the module directory; the examples live at the repository root.
    Path example = Path.of("..", "manifests", "examples", name);
    List<NamedPolicy> policies = PolicyFiles.load(example);
    assertThat(policies).isNotEmpty();
    assertThat(policies).allSatisfy(p -> assertThat(PolicyValidator.validate(p.spec())).isEmpty());
  }

  @Test
  void aMissingFileIsAClearError() {
    assertThatThrownBy(() -> PolicyFiles.load(Path.of("does-not-exist.yaml")))
        .isInstanceOf(PolicyFileException.class)
        .hasMessage("policy file does-not-exist.yaml does not exist");
  }

  private static final String HEAD =
      """
      apiVersion: sekisho.dev/v1alpha1
      kind: ScanPolicy
      metadata:
        name: hostile
      spec:
      """;

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFileOverTheLimitIsRefusedBeforeParsingNamingFileAndLimit(@TempDir Path tmp)
      throws Exception {
    Path big = tmp.resolve("big.yaml");
    Files.writeString(big, HEAD + "  action: \"" + "x".repeat(8 << 20) + "\"\n");
    assertThatThrownBy(() -> PolicyFiles.load(big))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining(big.toString())
        .hasMessageContaining("8.0 MiB")
        .hasMessageContaining("limit of 1 MiB");
    assertThatThrownBy(() -> PolicyFiles.parse("a: " + "x".repeat(2 << 20), "inline.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("inline.yaml")
        .hasMessageContaining("limit of 1 MiB");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void yamlAliasesAreRefusedNamingTheLine() {
    StringBuilder bomb = new StringBuilder(HEAD + "  action: Warn\n");
    bomb.append("  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("  x%d: &a%d [".formatted(i, i));
      bomb.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      bomb.append("]\n");
    }
    assertThatThrownBy(() -> PolicyFiles.parse(bomb.toString(), "bomb.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageStartingWith("bomb.yaml: line 8, column 12: YAML aliases (*a0)");
    // Jackson alone read "*imgs" as the string "imgs": silently another policy
    String alias =
        HEAD
            + """
              exceptions:
                - id: CVE-2024-1
                  reason: r
                  expires: 2030-01-01T00:00:00Z
                  images: &imgs [registry.example.com/**]
                - id: CVE-2024-2
                  reason: r
                  expires: 2030-01-01T00:00:00Z
                  images: *imgs
            """;
    assertThatThrownBy(() -> PolicyFiles.parse(alias, "alias.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("alias.yaml: line 14, column 15")
        .hasMessageContaining("aliases (*imgs) are not supported");
  }

  @Test
  void deepNestingIsAClearError() {
    String yaml = HEAD + "  action: " + "[".repeat(500) + "]".repeat(500) + "\n";
    assertThatThrownBy(() -> PolicyFiles.parse(yaml, "deep.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageStartingWith("deep.yaml")
        .hasMessageContaining("nested deeper than 64 levels");
    String json =
        "{\"apiVersion\": \"sekisho.dev/v1alpha1\", \"kind\": \"ScanPolicy\", \"spec\": "
            + "[".repeat(5000)
            + "]".repeat(5000)
            + "}";
    assertThatThrownBy(() -> PolicyFiles.parse(json, "deep.json", true))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageStartingWith("deep.json: ")
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void aWrongFieldTypeIsNamedInPlainWords() {
    String yaml =
        HEAD
            + """
              config:
                forbiddenPorts: "22"
            """;
    assertThatThrownBy(() -> PolicyFiles.parse(yaml, "type.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessage(
            "type.yaml: document 1 (hostile): field 'spec.config.forbiddenPorts': expected a list,"
                + " found a string");
    String port =
        HEAD
            + """
              config:
                forbiddenPorts: [ssh]
            """;
    assertThatThrownBy(() -> PolicyFiles.parse(port, "port.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessage(
            "port.yaml: document 1 (hostile): field 'spec.config.forbiddenPorts[0]': bad value"
                + " 'ssh' (expected a number)");
    String broken = HEAD + "  action: [Warn\n";
    assertThatThrownBy(() -> PolicyFiles.parse(broken, "broken.yaml", false))
        .isInstanceOf(PolicyFileException.class)
        .hasMessageStartingWith("broken.yaml: line ")
        .hasMessageContaining("not valid YAML")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("com.", "java.", "Exception"));
  }
}
