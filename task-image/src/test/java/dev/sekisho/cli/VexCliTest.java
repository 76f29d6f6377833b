package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sekisho scan --vex}: an SBOM of an Alpine image scanned against a database imported from
 * OSV records, with VEX documents in the published formats.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VexCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST =
      "sha256:9f2b5c1e0d6a4b3c8e7f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";

  @TempDir static Path work;
  static Path db;
  static Path sbom;
  static Map<String, String> env;

  @BeforeAll
  static void databaseAndSbom() throws Exception {
    Path archive = work.resolve("Alpine-all.zip");
    Files.write(
        archive,
        OsvFixtures.zip(
            List.of(
                rec("ALPINE-CVE-2099-1001")
                    .upstream("CVE-2099-1001")
                    .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
                    .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null),
                rec("ALPINE-CVE-2099-1002")
                    .upstream("CVE-2099-1002")
                    .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                    .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r29"), null)),
            Map.of()));
    db = work.resolve("db");
    env = Map.of("HOME", work.resolve("home").toString());
    CliRun r = CliRun.run(env, "db", "import", "--db", db.toString(), archive.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    sbom =
        Files.writeString(
            work.resolve("app.cdx.json"),
            """
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
             "metadata": {"component": {"type": "container",
               "name": "registry.example.com/team/app", "version": "%s"}},
             "components": [
              {"type": "operating-system", "name": "alpine", "version": "3.20.3"},
              {"type": "library", "name": "zlib", "version": "1.3.1-r0",
               "purl": "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=3.20.3"},
              {"type": "library", "name": "busybox", "version": "1.36.1-r28",
               "purl": "pkg:apk/alpine/busybox@1.36.1-r28?arch=x86_64&distro=3.20.3"}]}
            """
                .formatted(DIGEST));
  }

  private static CliRun scan(String... args) {
    List<String> all = new ArrayList<>(List.of("scan", "--db", db.toString(), "--offline"));
    all.addAll(List.of(args));
    return CliRun.run(env, all.toArray(String[]::new));
  }

  private static Path openVex(String name, String... statements) throws Exception {
    return Files.writeString(
        work.resolve(name),
        """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/%s",
         "author": "Team App", "timestamp": "2026-11-20T10:00:00Z", "version": 1,
         "statements": [%s]}
        """
            .formatted(name, String.join(",", statements)));
  }

  private static String statement(String cve, String pkg) {
    return """
        {"vulnerability": {"name": "%s"}, "status": "not_affected",
         "justification": "vulnerable_code_not_in_execute_path",
         "products": [{"@id": "pkg:oci/app@%s?repository_url=registry.example.com/team/app",
                       "subcomponents": [{"@id": "%s"}]}]}
        """
        .formatted(cve, DIGEST.replace(":", "%3A"), pkg);
  }

  @Test
  void vexSuppressesFindingsAndTheRestStillFail() throws Exception {
    CliRun before = scan("--fail-on", "high", "--format", "json", "sbom:" + sbom);
    assertThat(before.exitCode()).as(before.err()).isEqualTo(1);

    Path zlibOnly = openVex("zlib.json", statement("CVE-2099-1001", "pkg:apk/alpine/zlib"));
    CliRun one =
        scan("--fail-on", "high", "--vex", zlibOnly.toString(), "--format", "json", "sbom:" + sbom);
    assertThat(one.exitCode()).as(one.err()).isEqualTo(1);
    JsonNode report = JSON.readTree(one.out());
    assertThat(report.path("policy").path("violations")).hasSize(1);
    assertThat(report.path("policy").path("violations").get(0).path("findingId").asText())
        .isEqualTo("CVE-2099-1002");

    // the second statement is in CycloneDX VEX, naming the package by its purl
    Path busybox =
        Files.writeString(
            work.resolve("busybox.cdx.json"),
            """
            {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
             "vulnerabilities": [{"id": "ALPINE-CVE-2099-1002",
               "references": [{"id": "CVE-2099-1002", "source": {"name": "NVD"}}],
               "analysis": {"state": "not_affected", "justification": "requires_configuration",
                            "detail": "the httpd applet is not installed"},
               "affects": [{"ref": "pkg:apk/alpine/busybox@1.36.1-r28"}]}]}
            """);
    CliRun both =
        scan(
            "--fail-on",
            "high",
            "--vex",
            zlibOnly.toString(),
            "--vex",
            busybox.toString(),
            "--format",
            "table",
            "sbom:" + sbom);
    assertThat(both.exitCode()).as(both.err()).isZero();
    assertThat(both.out())
        .contains("CVE-2099-1001 [VEX not_affected]", "CVE-2099-1002 [VEX not_affected]")
        .contains("requires_configuration: the httpd applet is not installed");
  }

  @Test
  void vexWithoutPolicyListsTheSuppression() throws Exception {
    Path zlibOnly = openVex("zlib2.json", statement("CVE-2099-1001", "pkg:apk/alpine/zlib"));
    CliRun r = scan("--vex", zlibOnly.toString(), "--format", "json", "sbom:" + sbom);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode exceptions = JSON.readTree(r.out()).path("policy").path("exceptions");
    assertThat(exceptions).hasSize(1);
    assertThat(exceptions.get(0).path("vex").path("justification").asText())
        .isEqualTo("vulnerable_code_not_in_execute_path");
  }

  @Test
  void badVexIsAUsageErrorNamingTheFile() throws Exception {
    Path bad =
        Files.writeString(
            work.resolve("bad.json"), "{\"@context\": \"https://openvex.dev/ns/v0.2.0\"");
    CliRun r = scan("--vex", bad.toString(), "sbom:" + sbom);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("sekisho: error: VEX document " + bad).doesNotContain("\tat ");

    CliRun missing = scan("--vex", work.resolve("nope.json").toString(), "sbom:" + sbom);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .contains("VEX document " + work.resolve("nope.json") + " does not exist");
  }
}
