package dev.sekisho.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.report.html.HtmlReportWriter;
import dev.sekisho.scanner.report.json.JsonReportWriter;
import dev.sekisho.scanner.report.sarif.SarifReportWriter;
import dev.sekisho.scanner.report.sarif.SarifSchema;
import dev.sekisho.scanner.report.table.TableReportWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every report shows the policy verdict, its violations and the excepted findings. */
class PolicyReportingTest {
  private final ReportInput input = SampleEvaluations.input();

  private String write(ReportWriter writer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSampleFailsOnLog4jOnly() {
    assertThat(input.evaluation().verdict()).isEqualTo(Verdict.Fail);
    assertThat(input.evaluation().violations())
        .extracting(v -> v.findingId())
        .containsExactly("CVE-2021-44228");
    assertThat(input.exceptionFor("CVE-2024-0001", java.util.List.of())).isPresent();
    assertThat(input.exceptionFor("CVE-2024-0002", java.util.List.of()))
        .as("expired exceptions excuse nothing")
        .isEmpty();
    assertThat(input.decidingPolicyName()).isEqualTo("prod-strict");
  }

  @Test
  void summaryLineCarriesVerdictViolationsAndPolicy() {
    assertThat(SummaryLine.render(input))
        .isEqualTo(
            "sekisho: registry.example.com/team/app@"
                + SampleReports.DIGEST
                + " FAIL critical=1 high=1 medium=1 low=0 unknown=0 fixable=2 known-exploited=1"
                + " secrets=1 misconfigurations=2 violations=1 policy=prod-strict");
  }

  @Test
  void jsonHasPolicySectionAndPerFindingException() throws Exception {
    JsonNode json = new ObjectMapper().readTree(write(new JsonReportWriter()));
    JsonNode policy = json.path("policy");
    assertThat(policy.path("verdict").asText()).isEqualTo("Fail");
    assertThat(policy.path("decidingPolicy").asText()).isEqualTo("File/prod-strict");
    assertThat(policy.path("policies").get(0).path("action").asText()).isEqualTo("Enforce");
    assertThat(policy.path("violations").get(0).path("rule").asText())
        .isEqualTo("vulnerabilities.failOnKnownExploited");
    JsonNode openssl = json.path("vulnerabilities").get(1);
    assertThat(openssl.path("id").asText()).isEqualTo("CVE-2024-0001");
    assertThat(openssl.path("exception").path("reason").asText()).startsWith("code_not_reachable");
    assertThat(json.path("vulnerabilities").get(2).has("exception")).isFalse();
    assertThat(policy.path("exceptions").toString()).contains("\"expired\":true");
  }

  @Test
  void sarifSuppressesExceptedFindingsAndStaysValid() throws Exception {
    String sarif = write(new SarifReportWriter());
    assertThat(SarifSchema.validate(sarif)).isEmpty();
    JsonNode run = new ObjectMapper().readTree(sarif).path("runs").get(0);
    JsonNode openssl = run.path("results").get(1);
    assertThat(openssl.path("ruleId").asText()).isEqualTo("CVE-2024-0001");
    assertThat(openssl.path("suppressions").get(0).path("status").asText()).isEqualTo("accepted");
    assertThat(run.path("results").get(0).has("suppressions")).isFalse();
    assertThat(run.path("properties").path("policyVerdict").asText()).isEqualTo("Fail");
  }

  @Test
  void tableAndHtmlShowTheVerdict() throws Exception {
    String table = new TableReportWriter(ReportOptions.plain()).render(input);
    assertThat(table).contains("POLICY: FAIL (File/prod-strict)", "vulnerabilities.failOn");
    assertThat(table).contains("CVE-2024-0001 [excepted]", "expired exception CVE-2024-0002");
    String html = write(new HtmlReportWriter());
    assertThat(html)
        .contains("<span class=\"verdict Fail\">Fail</span>", "vulnerabilities.failOn")
        .contains("expired: <code>CVE-2024-0002</code>");
  }
}
