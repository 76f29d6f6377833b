package dev.sekisho.scanner.vex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyFiles;
import dev.sekisho.scanner.policy.PolicyViolation;
import dev.sekisho.scanner.report.ReportFormat;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.SampleEvaluations;
import dev.sekisho.scanner.report.SampleReports;
import dev.sekisho.scanner.report.list.ReportWriters;
import dev.sekisho.scanner.version.VersionOrdering;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** VEX statements through the policy engine and into every report format. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VexPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<NamedPolicy> policies() throws Exception {
    return PolicyFiles.parse(SampleEvaluations.POLICY, "prod-strict.yaml", false);
  }

  private static Evaluation withVex(List<NamedPolicy> policies, String document) {
    return PolicyEngine.evaluate(
        SampleReports.sample(),
        policies,
        SampleEvaluations.NOW,
        VersionOrdering.standard(),
        VexFixtures.statements(document));
  }

  @Test
  void notAffectedSuppressesEvenAKnownExploitedFinding() throws Exception {
    Evaluation without =
        PolicyEngine.evaluate(SampleReports.sample(), policies(), SampleEvaluations.NOW);
    assertThat(without.violations())
        .extracting(PolicyViolation::findingId)
        .contains("CVE-2021-44228");

    Evaluation e = withVex(policies(), "openvex.json");
    assertThat(e.violations())
        .extracting(PolicyViolation::findingId)
        .doesNotContain("CVE-2021-44228", "CVE-2024-0001");
    ExceptionUse vex = e.exceptions().get(0);
    assertThat(vex.policy()).isEqualTo("VEX");
    assertThat(vex.exceptionId()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
    assertThat(vex.coveredFindings()).containsExactly("CVE-2021-44228");
    assertThat(vex.coveredPackages())
        .containsExactly("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    assertThat(e.exceptions()).filteredOn(ExceptionUse::isVex).hasSize(2);
    assertThat(e.policies().get(0).excepted()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void withoutPoliciesVexIsListedAndTheVerdictPasses() {
    Evaluation e = withVex(List.of(), "csaf-vex.json");
    assertThat(e.verdict()).isEqualTo(Verdict.Pass);
    assertThat(e.exceptions())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.isVex()).isTrue();
              assertThat(x.reason())
                  .startsWith("not_affected: vulnerable_code_not_present: JndiLookup");
            });
  }

  @Test
  void aPolicysOwnVexAppliesUnderItsName() throws Exception {
    NamedPolicy p = policies().get(0).withVex(VexFixtures.statements("cyclonedx-vex.json"));
    Evaluation e = PolicyEngine.evaluate(SampleReports.sample(), List.of(p), SampleEvaluations.NOW);
    assertThat(e.violations())
        .extracting(PolicyViolation::findingId)
        .doesNotContain("CVE-2021-44228");
    assertThat(e.exceptions())
        .filteredOn(ExceptionUse::isVex)
        .extracting(ExceptionUse::policy)
        .containsOnly(p.displayName());
  }

  private static String render(ReportFormat format, ReportInput input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportWriters.of(format, ReportOptions.plain()).write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyReportFormatShowsTheSuppressionAndItsJustification() throws Exception {
    ReportInput input =
        new ReportInput(SampleReports.sample(), withVex(policies(), "openvex.json"));

    JsonNode json = JSON.readTree(render(ReportFormat.JSON, input));
    JsonNode log4j = null;
    JsonNode zlib = null;
    for (JsonNode v : json.path("vulnerabilities")) {
      if (v.path("id").asText().equals("CVE-2021-44228")) {
        log4j = v;
      }
      if (v.path("id").asText().equals("CVE-2024-0002")) {
        zlib = v;
      }
    }
    assertThat(log4j.path("exception").path("vex").path("status").asText())
        .isEqualTo("not_affected");
    assertThat(log4j.path("exception").path("vex").path("justification").asText())
        .isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(zlib.has("exception")).isFalse();
    assertThat(json.path("policy").path("exceptions").get(0).path("packages").get(0).asText())
        .isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");

    JsonNode sarif = JSON.readTree(render(ReportFormat.SARIF, input));
    boolean suppressed = false;
    for (JsonNode r : sarif.path("runs").get(0).path("results")) {
      if (r.path("ruleId").asText().equals("CVE-2021-44228")) {
        assertThat(r.path("suppressions").get(0).path("justification").asText())
            .contains("vulnerable_code_not_in_execute_path", "JndiLookup", "openvex.json");
        suppressed = true;
      }
    }
    assertThat(suppressed).isTrue();

    assertThat(render(ReportFormat.TABLE, input))
        .contains("CVE-2021-44228 [KEV] [VEX not_affected]", "CVE-2024-0001 [VEX fixed]")
        .contains(
            "VEX GHSA-jfh8-c2jp-5v3q (VEX): not_affected: vulnerable_code_not_in_execute_path");
    assertThat(render(ReportFormat.HTML, input))
        .contains("VEX not_affected: vulnerable_code_not_in_execute_path: JndiLookup");

    JsonNode cdx = JSON.readTree(render(ReportFormat.CYCLONEDX, input));
    for (JsonNode v : cdx.path("vulnerabilities")) {
      switch (v.path("id").asText()) {
        case "CVE-2021-44228" -> {
          assertThat(v.path("analysis").path("state").asText()).isEqualTo("not_affected");
          assertThat(v.path("analysis").path("justification").asText())
              .isEqualTo("code_not_reachable");
        }
        case "CVE-2024-0001" ->
            assertThat(v.path("analysis").path("state").asText()).isEqualTo("resolved");
        default -> {}
      }
    }
  }
}
