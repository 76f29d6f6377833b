package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy engine's table: every file under policy/cases/ holds rows of (report, policies, now)
 * and the evaluation expected of them. Violations, policy outcomes and exception uses are compared
 * as compact strings so that each row reads as a specification.
 */
class PolicyEngineTest {
  private static final List<String> CASE_FILES =
      List.of(
          "vulnerabilities.yaml",
          "exceptions.yaml",
          "multiple-policies.yaml",
          "config.yaml",
          "packages.yaml",
          "registries-and-base-images.yaml",
          "secrets.yaml",
          "errors.yaml");

  static Stream<PolicyCase> cases() throws IOException {
    List<PolicyCase> all = new ArrayList<>();
    for (String file : CASE_FILES) {
      all.addAll(PolicyCase.read("cases/" + file));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluates(PolicyCase c) throws Exception {
    List<NamedPolicy> policies =
        c.policies() == null ? List.of() : PolicyFiles.parse(c.policies(), "case.yaml", false);

    Evaluation e = PolicyEngine.evaluate(c.report(), policies, c.nowOrDefault());

    PolicyCase.Expect x = c.expect();
    assertThat(e.verdict().name()).as("verdict").isEqualTo(x.verdict());
    assertThat(e.decidingPolicy()).as("deciding policy").isEqualTo(x.deciding());
    if (x.violations() != null) {
      assertThat(e.violations().stream().map(PolicyEngineTest::violation))
          .as("violations")
          .containsExactlyElementsOf(x.violations());
    }
    if (x.policies() != null) {
      assertThat(e.policies().stream().map(PolicyEngineTest::result))
          .as("policy results")
          .containsExactlyElementsOf(x.policies());
    }
    if (x.exceptions() != null) {
      assertThat(e.exceptions().stream().map(PolicyEngineTest::exception))
          .as("exception uses")
          .containsExactlyElementsOf(x.exceptions());
    }
    assertThat(e.nextEvaluation()).as("next evaluation").isEqualTo(x.next());
  }

  @Test
  void anUnusableReportIsAnError() {
    Evaluation e = PolicyEngine.evaluate(null, List.of(), PolicyCase.DEFAULT_NOW);

    assertThat(e.verdict()).isEqualTo(Verdict.Error);
    assertThat(e.decidingPolicy()).isNull();
    assertThat(e.violations())
        .singleElement()
        .satisfies(v -> assertThat(v.message()).isEqualTo("no scan report to evaluate"));
  }

  private static String violation(PolicyViolation v) {
    return v.policy()
        + " "
        + v.rule()
        + (v.findingId() == null ? "" : " " + v.findingId())
        + (v.packageName() == null ? "" : " " + v.packageName());
  }

  private static String result(PolicyResult r) {
    return r.policy().displayName() + " " + r.verdict() + " " + r.violations() + "/" + r.excepted();
  }

  private static String exception(ExceptionUse u) {
    return u.policy()
        + " "
        + u.exceptionId()
        + (u.expired() ? " expired" : " active")
        + " "
        + String.join(",", u.coveredFindings());
  }
}
