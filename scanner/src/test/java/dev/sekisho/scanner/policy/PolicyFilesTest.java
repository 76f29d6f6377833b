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
import org.junit.jupiter.api.Test;
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
}
