package dev.sekisho.scanner.report.cyclonedx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleEvaluations;
import dev.sekisho.scanner.report.SampleReports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.model.vulnerability.Vulnerability.Analysis;
import org.cyclonedx.model.vulnerability.Vulnerability.Rating;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CycloneDxReportWriterTest {

  private static String write(ReportInput input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CycloneDxReportWriter().write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N, CVSSV4",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N, CVSSV31",
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N, CVSSV3",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P, CVSSV2",
    "(AV:N/AC:L/Au:N/C:P/I:P/A:P), CVSSV2",
    "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P, CVSSV2",
    "CVSS:3.2/AV:N, OTHER",
  })
  void ratingMethodByCvssVersion(String vector, Rating.Method method) {
    assertThat(CycloneDxReportMapper.method(vector)).isEqualTo(method);
  }

  @Test
  void validCycloneDx16WithComponentsAndVulnerabilities() throws Exception {
    String bom = write(SampleEvaluations.input());
    assertThat(new JsonParser().validate(bom, Version.VERSION_16)).isEmpty();
    JsonNode json = new ObjectMapper().readTree(bom);
    assertThat(json.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(json.path("metadata").path("component").path("type").asText())
        .isEqualTo("container");
    assertThat(json.path("metadata").path("component").path("name").asText())
        .isEqualTo("registry.example.com/team/app:1.0");
    assertThat(json.path("metadata").path("timestamp").asText()).isEqualTo("2026-11-23T12:00:00Z");
    // the operating system and the three packages
    assertThat(json.path("components")).hasSize(4);
    JsonNode log4j = json.path("vulnerabilities").get(0);
    assertThat(log4j.path("id").asText()).isEqualTo("CVE-2021-44228");
    String log4jRef = log4j.path("affects").get(0).path("ref").asText();
    JsonNode log4jComponent = null;
    for (JsonNode c : json.path("components")) {
      if (c.path("bom-ref").asText().equals(log4jRef)) {
        log4jComponent = c;
      }
    }
    assertThat(log4jComponent).isNotNull();
    assertThat(log4jComponent.path("purl").asText())
        .isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    assertThat(log4j.path("ratings").get(0).path("severity").asText()).isEqualTo("critical");
    assertThat(log4j.path("ratings").get(0).path("method").asText()).isEqualTo("CVSSv31");
    assertThat(log4j.has("analysis")).isFalse();
    JsonNode openssl = json.path("vulnerabilities").get(1);
    assertThat(openssl.path("analysis").path("state").asText()).isEqualTo("not_affected");
    assertThat(openssl.path("analysis").path("justification").asText())
        .isEqualTo("code_not_reachable");
    assertThat(openssl.path("analysis").path("detail").asText())
        .contains("File/prod-strict", "the TLS code path is never used");
    assertThat(json.path("vulnerabilities").get(2).has("analysis"))
        .as("expired exception")
        .isFalse();
  }

  @Test
  void emptyReportIsValid() throws Exception {
    assertThat(
            new JsonParser()
                .validate(write(new ReportInput(SampleReports.empty())), Version.VERSION_16))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "code_not_reachable: never called       | NOT_AFFECTED   | CODE_NOT_REACHABLE",
        "requires_configuration: off by default | NOT_AFFECTED   | REQUIRES_CONFIGURATION",
        "false_positive: wrong package          | FALSE_POSITIVE |",
        "accepted by the security team          | EXPLOITABLE    |",
        "unknown_word: something                | EXPLOITABLE    |",
      })
  void exceptionReasonDecidesTheVexState(String reason, String state, String justification) {
    Analysis a =
        CycloneDxReportMapper.analysis(
            new ExceptionUse("File/p", "CVE-1", false, Instant.EPOCH, reason, List.of("CVE-1")));
    assertThat(a.getState().name()).isEqualTo(state);
    assertThat(a.getJustification() == null ? null : a.getJustification().name())
        .isEqualTo(justification);
    assertThat(a.getDetail()).contains(reason.strip());
  }
}
