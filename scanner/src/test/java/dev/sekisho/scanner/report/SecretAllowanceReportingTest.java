package dev.sekisho.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyFiles;
import dev.sekisho.scanner.report.html.HtmlReportWriter;
import dev.sekisho.scanner.report.json.JsonReportWriter;
import dev.sekisho.scanner.report.sarif.SarifReportWriter;
import dev.sekisho.scanner.report.sarif.SarifSchema;
import dev.sekisho.scanner.report.table.TableReportWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every report format shows each secret's fingerprint, and a secret a policy allows stays listed,
 * marked allowed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretAllowanceReportingTest {
  static final String ALLOWED = "0123456789abcdef0123456789abcdef";
  static final String OTHER = "fedcba9876543210fedcba9876543210";
  static final String POLICY =
      """
      apiVersion: sekisho.dev/v1alpha1
      kind: ScanPolicy
      metadata: {name: secrets}
      spec:
        secrets:
          forbid: true
          allow:
            - path: "app/testdata/**"
              expires: "2027-01-01T00:00:00Z"
              reason: "fixture keys; team-a"
      """;
  static ReportInput input;

  @BeforeAll
  static void evaluate() throws Exception {
    ScanReport sample = SampleReports.sample();
    ScanReport report =
        new ScanReport(
            sample.image(),
            sample.os(),
            sample.packages(),
            List.of(),
            List.of(
                new SecretFinding(
                    "private-key",
                    "Private key",
                    Severity.Critical,
                    new Location(SampleReports.LAYER1, "/app/testdata/server.pem"),
                    1,
                    "MIIE****",
                    ALLOWED),
                new SecretFinding(
                    "github-pat",
                    "GitHub personal access token",
                    Severity.Critical,
                    new Location(SampleReports.LAYER1, "/app/.env"),
                    2,
                    "ghp_****",
                    OTHER)),
            List.of(),
            List.of(),
            sample.metadata(),
            null);
    Evaluation e =
        PolicyEngine.evaluate(
            report, PolicyFiles.parse(POLICY, "p.yaml", false), SampleEvaluations.NOW);
    input = new ReportInput(report, e);
  }

  private static String write(ReportWriter writer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onlyTheUnallowedSecretViolates() {
    assertThat(input.evaluation().verdict()).isEqualTo(Verdict.Fail);
    assertThat(input.evaluation().violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.findingId()).isEqualTo("github-pat");
              assertThat(v.message()).contains("/app/.env", "fingerprint " + OTHER);
            });
  }

  @Test
  void jsonHasFingerprintsAndTheAllowance() throws Exception {
    JsonNode secrets = new ObjectMapper().readTree(write(new JsonReportWriter())).path("secrets");
    JsonNode allowed =
        secrets.findParents("fingerprint").stream()
            .filter(n -> n.path("fingerprint").asText().equals(ALLOWED))
            .findFirst()
            .orElseThrow();
    assertThat(allowed.path("exception").path("reason").asText()).isEqualTo("fixture keys; team-a");
    JsonNode other =
        secrets.findParents("fingerprint").stream()
            .filter(n -> n.path("fingerprint").asText().equals(OTHER))
            .findFirst()
            .orElseThrow();
    assertThat(other.has("exception")).isFalse();
  }

  @Test
  void sarifHasPartialFingerprintsAndSuppressesTheAllowedSecret() throws Exception {
    String sarif = write(new SarifReportWriter());
    assertThat(SarifSchema.validate(sarif)).isEmpty();
    JsonNode results = new ObjectMapper().readTree(sarif).path("runs").get(0).path("results");
    assertThat(results).hasSize(2);
    for (JsonNode r : results) {
      String fp = r.path("partialFingerprints").path("secretFingerprint/v1").asText();
      assertThat(fp).isIn(ALLOWED, OTHER);
      assertThat(r.has("suppressions")).isEqualTo(fp.equals(ALLOWED));
    }
  }

  @Test
  void tableAndHtmlShowFingerprintsAndMarkTheAllowedSecret() throws Exception {
    String table = new TableReportWriter(ReportOptions.plain()).render(input);
    assertThat(table).contains("FINGERPRINT", ALLOWED, OTHER, "private-key [allowed]");
    assertThat(table).doesNotContain("github-pat [allowed]");
    assertThat(table).contains("exception path:app/testdata/** (File/secrets");
    String html = write(new HtmlReportWriter());
    assertThat(html)
        .contains(
            "<th>Fingerprint</th>", "<code>" + ALLOWED + "</code>", "<code>" + OTHER + "</code>")
        .contains("private-key <span class=\"excepted\">allowed</span>");
  }
}
