package dev.sekisho.scanner.report.openvex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyFiles;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleEvaluations;
import dev.sekisho.scanner.report.SampleReports;
import dev.sekisho.scanner.version.VersionOrdering;
import dev.sekisho.scanner.vex.VexFixtures;
import dev.sekisho.scanner.vex.VexReader;
import dev.sekisho.scanner.vex.VexStatement;
import dev.sekisho.scanner.vex.VexStatements;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenVexReportWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The sample judged by prod-strict (an exception for CVE-2024-0001) and csaf-vex.json. */
  private static ReportInput input() throws Exception {
    ScanReport report = SampleReports.sample();
    Evaluation e =
        PolicyEngine.evaluate(
            report,
            PolicyFiles.parse(SampleEvaluations.POLICY, "prod-strict.yaml", false),
            SampleEvaluations.NOW,
            VersionOrdering.standard(),
            VexFixtures.statements("csaf-vex.json"));
    return new ReportInput(report, e);
  }

  private static byte[] write(ReportInput input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new OpenVexReportWriter().write(input, out);
    return out.toByteArray();
  }

  private static JsonSchema schema() throws Exception {
    try (InputStream in =
        OpenVexReportWriterTest.class.getResourceAsStream("/vex/openvex_json_schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  @Test
  void validAgainstThePublishedSchema() throws Exception {
    JsonNode doc = JSON.readTree(write(input()));
    assertThat(schema().validate(doc)).extracting(ValidationMessage::getMessage).isEmpty();
    assertThat(doc.path("@context").asText()).isEqualTo("https://openvex.dev/ns/v0.2.0");
    assertThat(doc.path("timestamp").asText()).isEqualTo("2026-11-23T12:00:00Z");
    // the schema does judge: a statement without justification or impact statement is refused
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("statements").get(0))
        .remove(List.of("justification", "impact_statement"));
    assertThat(schema().validate(doc)).isNotEmpty();
  }

  @Test
  void exceptionsBecomeNotAffectedStatementsAboutTheImageByDigest() throws Exception {
    JsonNode doc = JSON.readTree(write(input()));
    Map<String, JsonNode> byVuln = new TreeMap<>();
    for (JsonNode s : doc.path("statements")) {
      byVuln.put(
          s.path("vulnerability").path("name").asText() + " " + s.path("status_notes").asText(), s);
    }
    JsonNode exception =
        byVuln.get(
            "CVE-2024-0001 policy exception CVE-2024-0001 of File/prod-strict, expires 2027-01-01T00:00:00Z");
    assertThat(exception).as(byVuln.keySet().toString()).isNotNull();
    assertThat(exception.path("status").asText()).isEqualTo("not_affected");
    assertThat(exception.path("justification").asText())
        .isEqualTo("vulnerable_code_not_in_execute_path");
    assertThat(exception.path("impact_statement").asText())
        .isEqualTo("code_not_reachable: the TLS code path is never used");
    JsonNode product = exception.path("products").get(0);
    assertThat(product.path("@id").asText())
        .isEqualTo(
            "pkg:oci/app@sha256%3A"
                + SampleReports.DIGEST.substring(7)
                + "?repository_url=registry.example.com%2Fteam%2Fapp&tag=1.0");
    assertThat(product.path("subcomponents").get(0).path("@id").asText())
        .isEqualTo("pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12");
    // the VEX statement it was given keeps its status and justification
    JsonNode log4j = byVuln.get("CVE-2021-44228 VEX document csaf-vex.json");
    assertThat(log4j.path("justification").asText()).isEqualTo("vulnerable_code_not_present");
    assertThat(log4j.path("impact_statement").asText()).contains("JndiLookup");
    assertThat(log4j.path("vulnerability").path("aliases").get(0).asText())
        .isEqualTo("GHSA-jfh8-c2jp-5v3q");
    // the expired exception (CVE-2024-0002) states nothing
    assertThat(byVuln.keySet()).noneMatch(k -> k.startsWith("CVE-2024-0002"));
  }

  @Test
  void roundTripsThroughTheVexReader() throws Exception {
    ReportInput input = input();
    VexStatements read =
        VexStatements.of(List.of(VexReader.parse(write(input), "sekisho.openvex.json")));
    ScanReport report = input.report();
    for (Vulnerability v : report.vulnerabilities()) {
      boolean excused = input.exceptionFor(v).isPresent();
      assertThat(read.suppressing(v, report.image()).isPresent()).as(v.id()).isEqualTo(excused);
    }
    VexStatement s =
        read.suppressing(report.vulnerabilities().get(2), report.image()).orElseThrow();
    assertThat(s.justification()).isEqualTo("vulnerable_code_not_in_execute_path");
  }

  @Test
  void theIdIsStableForTheSameDecisions() throws Exception {
    JsonNode a = JSON.readTree(write(input()));
    JsonNode b = JSON.readTree(write(input()));
    assertThat(a.path("@id").asText())
        .startsWith("urn:sekisho:openvex:sha256:")
        .isEqualTo(b.path("@id").asText());
    JsonNode other = JSON.readTree(write(SampleEvaluations.input()));
    assertThat(other.path("@id").asText()).isNotEqualTo(a.path("@id").asText());
  }

  @Test
  void withoutAVerdictThereIsNothingToState() throws Exception {
    JsonNode doc = JSON.readTree(write(new ReportInput(SampleReports.sample())));
    assertThat(doc.path("statements")).isEmpty();
  }
}
