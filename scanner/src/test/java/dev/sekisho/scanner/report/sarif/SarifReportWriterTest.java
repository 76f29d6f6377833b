package dev.sekisho.scanner.report.sarif;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleReports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SarifReportWriterTest {

  private static String write(ScanReport report) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SarifReportWriter().write(new ReportInput(report), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sampleIsValidSarif() throws Exception {
    String sarif = write(SampleReports.sample());
    assertThat(SarifSchema.validate(sarif)).isEmpty();
  }

  @Test
  void emptyReportIsValidSarif() throws Exception {
    assertThat(SarifSchema.validate(write(SampleReports.empty()))).isEmpty();
  }

  @Test
  void schemaRejectsBrokenLog() {
    // proves the validator is live: a result without a message violates the schema
    String broken =
        "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
            + "\"results\":[{\"ruleId\":\"a\",\"level\":\"fatal\"}]}]}";
    assertThat(SarifSchema.validate(broken)).isNotEmpty();
  }

  @Test
  void oneResultPerFindingWithConsistentRuleIndexes() throws Exception {
    JsonNode run = new ObjectMapper().readTree(write(SampleReports.sample())).path("runs").get(0);
    JsonNode rules = run.path("tool").path("driver").path("rules");
    JsonNode results = run.path("results");
    // 3 vulnerabilities + 1 secret + 2 misconfigurations
    assertThat(results).hasSize(6);
    List<String> ruleIds = new ArrayList<>();
    for (JsonNode r : results) {
      int index = r.path("ruleIndex").asInt();
      assertThat(rules.get(index).path("id").asText()).isEqualTo(r.path("ruleId").asText());
      ruleIds.add(r.path("ruleId").asText());
    }
    assertThat(ruleIds)
        .containsExactly(
            "CVE-2021-44228",
            "CVE-2024-0001",
            "CVE-2024-0002",
            "aws-access-key-id",
            "config/root-user",
            "config/no-healthcheck");
    assertThat(results.get(0).path("level").asText()).isEqualTo("error");
    assertThat(results.get(2).path("level").asText()).isEqualTo("warning");
    assertThat(rules.get(0).path("properties").path("security-severity").asText())
        .isEqualTo("10.0");
  }

  @Test
  void v2ScoresAreNotGivenAsSecuritySeverity() {
    // a v2 10.0 is High; code-scanning tools would read 10.0 as critical
    String v2 = "AV:N/AC:L/Au:N/C:C/I:C/A:C";
    assertThat(
            SarifReportMapper.securitySeverity(
                Severity.High, SarifReportMapper.securityScore(v2, 10.0)))
        .isEqualTo("8.0");
    String v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
    assertThat(
            SarifReportMapper.securitySeverity(
                Severity.High, SarifReportMapper.securityScore(v31, 7.5)))
        .isEqualTo("7.5");
    assertThat(SarifReportMapper.securityScore(null, null)).isNull();
  }

  @Test
  void secretIsLocatedByFileAndLineAndRedacted() throws Exception {
    String sarif = write(SampleReports.sample());
    JsonNode secret = new ObjectMapper().readTree(sarif).path("runs").get(0).path("results").get(3);
    JsonNode loc = secret.path("locations").get(0).path("physicalLocation");
    assertThat(loc.path("artifactLocation").path("uri").asText())
        .isEqualTo("app/config/settings.env");
    assertThat(loc.path("region").path("startLine").asInt()).isEqualTo(3);
    assertThat(sarif).contains("AKIA****").doesNotContain(SampleReports.FULL_SECRET);
  }

  @Test
  void pathsBecomeRelativeUris() {
    assertThat(SarifReportMapper.pathUri("/var/lib/dpkg/status")).isEqualTo("var/lib/dpkg/status");
    assertThat(SarifReportMapper.pathUri("/opt/my app/x.jar!/lib/y.jar"))
        .isEqualTo("opt/my%20app/x.jar!/lib/y.jar");
  }
}
