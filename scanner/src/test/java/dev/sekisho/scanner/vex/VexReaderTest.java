package dev.sekisho.scanner.vex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.report.SampleReports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VexReaderTest {
  @TempDir Path dir;

  /** Which of the sample report's findings each document suppresses, and why. */
  private static Map<String, String> suppressed(String document) {
    VexStatements vex = VexFixtures.statements(document);
    var report = SampleReports.sample();
    return report.vulnerabilities().stream()
        .filter(v -> vex.suppressing(v, report.image()).isPresent())
        .collect(
            Collectors.toMap(
                Vulnerability::id,
                v -> {
                  VexStatement s = vex.suppressing(v, report.image()).orElseThrow();
                  return s.status().id() + "/" + s.justification();
                }));
  }

  @Test
  void openVexSuppressesByAliasDigestAndNormalisedPurl() {
    // log4j: by its GHSA alias, image by digest (the tag differs), subcomponent purl
    // libssl3: image by repository_url, subcomponent spelled with other case and qualifier order
    // zlib1g: the latest statement about the image is under_investigation: not suppressed
    assertThat(suppressed("openvex.json"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "CVE-2021-44228", "not_affected/vulnerable_code_not_in_execute_path",
                "CVE-2024-0001", "fixed/null"));
    VexStatement log4j = VexFixtures.read("openvex.json").statements().get(0);
    assertThat(log4j.impactStatement()).contains("JndiLookup");
    assertThat(log4j.reason())
        .isEqualTo(
            "not_affected: vulnerable_code_not_in_execute_path: JndiLookup.class is removed from"
                + " the jar at build time (VEX openvex.json)");
  }

  @Test
  void cycloneDxVexResolvesBomRefsAndPurls() {
    assertThat(VexFixtures.read("cyclonedx-vex.json").format()).isEqualTo("CycloneDX");
    assertThat(suppressed("cyclonedx-vex.json"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "CVE-2021-44228",
                "not_affected/code_not_reachable",
                "CVE-2024-0001",
                "fixed/null"));
  }

  @Test
  void csafVexResolvesRelationshipsGroupsAndFlags() {
    VexDocument doc = VexFixtures.read("csaf-vex.json");
    assertThat(doc.format()).isEqualTo("CSAF");
    assertThat(suppressed("csaf-vex.json"))
        .containsExactlyEntriesOf(
            Map.of("CVE-2021-44228", "not_affected/vulnerable_code_not_present"));
    VexStatement s = doc.statements().get(0);
    assertThat(s.aliases()).containsExactly("GHSA-jfh8-c2jp-5v3q");
    assertThat(s.impactStatement()).contains("JndiLookup");
    assertThat(s.products().get(0).subcomponents()).hasSize(1);
  }

  @Test
  void theLatestStatementDecides() throws Exception {
    String doc =
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a",
         "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": [
          {"vulnerability": {"name": "CVE-2021-44228"}, "timestamp": "2026-02-01T00:00:00Z",
           "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
           "status": "not_affected", "justification": "component_not_present"},
          {"vulnerability": {"name": "CVE-2021-44228"}, "timestamp": "2026-03-01T00:00:00Z",
           "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}],
           "status": "affected", "action_statement": "update"}]}
        """;
    VexStatements vex =
        VexStatements.of(List.of(VexReader.parse(doc.getBytes(StandardCharsets.UTF_8), "d")));
    var report = SampleReports.sample();
    assertThat(vex.suppressing(report.vulnerabilities().get(1), report.image())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[1, 2]",
        "{\"hello\": 1}",
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}",
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\":"
            + " {\"name\": \"CVE-1\"}, \"status\": \"maybe\"}]}",
        "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\":"
            + " {\"state\": \"unsure\"}}]}",
        "{\"document\": {\"csaf_version\": \"1.0\"}}",
        "{\"bomFormat\": ",
      })
  void invalidDocumentsNameTheFileAndTheProblem(String content) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.vex.json"), content);
    assertThatThrownBy(() -> VexReader.read(file))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("VEX document " + file)
        .hasMessageNotContaining("com.fasterxml")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void hostileDepthIsRefusedWithTheLimit() throws Exception {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    Path file = Files.writeString(dir.resolve("deep.json"), "{\"statements\": " + deep + "}");
    assertThatThrownBy(() -> VexReader.read(file))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void oversizedDocumentIsRefusedBeforeParsing() throws Exception {
    Path file = dir.resolve("huge.json");
    byte[] big = new byte[(int) DocumentLimits().maxBytes() + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Files.write(file, big);
    assertThatThrownBy(() -> VexReader.read(file))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("more than the limit of 16 MiB")
        .hasMessageContaining("split the statements");
  }

  private static dev.sekisho.scanner.input.DocumentLimits DocumentLimits() {
    return dev.sekisho.scanner.input.DocumentLimits.VEX;
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("missing.json");
    assertThatThrownBy(() -> VexReader.read(file))
        .isInstanceOf(DocumentException.class)
        .hasMessage("VEX document " + file + " does not exist");
  }
}
