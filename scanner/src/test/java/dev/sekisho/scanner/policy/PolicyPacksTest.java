package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy packs shipped under manifests/policies/ load, validate without a problem, and decide
 * the rows of policy/cases/packs.yaml as their documentation (docs/policy-packs.md) says.
 */
class PolicyPacksTest {
  private static final Path PACKS = Path.of("..", "manifests", "policies");

  static Stream<PolicyCase> cases() throws IOException {
    return PolicyCase.read("cases/packs.yaml").stream();
  }

  @Test
  void everyPackLoadsAndValidatesCleanly() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(PACKS)) {
      files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .containsExactly("cis-docker-benchmark.yaml", "nist-sp-800-190.yaml");
    for (Path f : files) {
      List<NamedPolicy> policies = PolicyFiles.load(f);
      assertThat(policies).as(f.toString()).isNotEmpty();
      for (NamedPolicy p : policies) {
        assertThat(PolicyValidator.validate(p.spec())).as(p.displayName()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(PolicyCase c) throws Exception {
    List<NamedPolicy> policies = PolicyFiles.load(PACKS.resolve(c.pack() + ".yaml"));

    Evaluation e = PolicyEngine.evaluate(c.report(), policies, c.nowOrDefault());

    PolicyCase.Expect x = c.expect();
    assertThat(e.verdict().name()).as("verdict").isEqualTo(x.verdict());
    assertThat(e.decidingPolicy()).as("deciding policy").isEqualTo(x.deciding());
    if (x.violations() != null) {
      assertThat(
              e.violations().stream()
                  .map(v -> v.policy() + " " + v.rule() + " " + v.findingId())
                  .toList())
          .as("violations")
          .containsExactlyInAnyOrderElementsOf(x.violations());
    }
  }
}
