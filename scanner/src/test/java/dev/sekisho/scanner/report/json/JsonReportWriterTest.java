package dev.sekisho.scanner.report.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleReports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonReportWriterTest {

  private static String write() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new JsonReportWriter().write(new ReportInput(SampleReports.sample()), out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void carriesSchemaVersionArtifactAndSummary() throws Exception {
    JsonNode json = new ObjectMapper().readTree(write());
    assertThat(json.path("schemaVersion").asText()).isEqualTo("sekisho.dev/report/v1");
    assertThat(json.path("artifact").path("reference").asText())
        .isEqualTo("registry.example.com/team/app:1.0");
    assertThat(json.path("artifact").path("digest").asText()).isEqualTo(SampleReports.DIGEST);
    assertThat(json.path("artifact").path("os").path("family").asText()).isEqualTo("debian");
    assertThat(json.path("artifact").path("baseImage").asText())
        .isEqualTo("docker.io/library/debian:12");
    JsonNode summary = json.path("summary");
    assertThat(summary.path("critical").asInt()).isEqualTo(1);
    assertThat(summary.path("high").asInt()).isEqualTo(1);
    assertThat(summary.path("medium").asInt()).isEqualTo(1);
    assertThat(summary.path("low").asInt()).isZero();
    assertThat(summary.path("fixable").asInt()).isEqualTo(2);
    assertThat(summary.path("knownExploited").asInt()).isEqualTo(1);
    assertThat(summary.path("packages").asInt()).isEqualTo(3);
    assertThat(summary.path("secrets").asInt()).isEqualTo(1);
    assertThat(summary.path("misconfigurations").asInt()).isEqualTo(2);
    assertThat(json.path("scanner").path("scannedAt").asText()).isEqualTo("2026-11-23T12:00:00Z");
    assertThat(json.has("policy")).isFalse();
  }

  @Test
  void vulnerabilitiesMostSevereFirstWithFixedVersions() throws Exception {
    JsonNode vulns = new ObjectMapper().readTree(write()).path("vulnerabilities");
    assertThat(vulns).hasSize(3);
    assertThat(vulns.get(0).path("id").asText()).isEqualTo("CVE-2021-44228");
    assertThat(vulns.get(0).path("severity").asText()).isEqualTo("Critical");
    assertThat(vulns.get(0).path("fixedVersions").get(0).asText()).isEqualTo("2.15.0");
    assertThat(vulns.get(0).path("knownExploited").asBoolean()).isTrue();
    assertThat(vulns.get(0).path("pkg").path("purl").asText())
        .isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    assertThat(vulns.get(0).path("location").path("layer").asText())
        .isEqualTo(SampleReports.LAYER1);
    assertThat(vulns.get(2).path("fixState").asText()).isEqualTo("NOT_FIXED");
    assertThat(vulns.get(2).path("fixedVersions")).isEmpty();
  }

  @Test
  void secretsOnlyRedacted() throws Exception {
    String text = write();
    JsonNode secret = new ObjectMapper().readTree(text).path("secrets").get(0);
    assertThat(secret.path("redacted").asText()).isEqualTo("AKIA****************");
    assertThat(secret.path("line").asInt()).isEqualTo(3);
    assertThat(text).doesNotContain(SampleReports.FULL_SECRET);
  }

  @Test
  void layersInOrder() throws Exception {
    JsonNode layers = new ObjectMapper().readTree(write()).path("layers");
    assertThat(layers).hasSize(2);
    assertThat(layers.get(1).path("index").asInt()).isEqualTo(1);
    assertThat(layers.get(1).path("digest").asText()).isEqualTo(SampleReports.LAYER1);
  }
}
