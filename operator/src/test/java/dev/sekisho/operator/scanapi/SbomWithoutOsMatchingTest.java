package dev.sekisho.operator.scanapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.operator.vulndb.LocalDatabase;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CycloneDX SBOM posted to the scan API without an operating-system component: its OS packages
 * are matched under the release their purls name, and those whose distribution cannot be known are
 * named in the warning the report carries, as in the CLI.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SbomWithoutOsMatchingTest {
  @TempDir Path tmp;

  @Test
  void osPackagesAreMatchedByTheirPurlsDistro() throws Exception {
    Path zip = tmp.resolve("osv.zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("DEBIAN-CVE-2099-0001.json"));
      z.write(
          ("{\"schema_version\":\"1.6.0\",\"id\":\"DEBIAN-CVE-2099-0001\","
                  + "\"modified\":\"2026-11-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0001\"],"
                  + "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"openssl\"},"
                  + "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                  + "{\"fixed\":\"3.0.15-1~deb12u2\"}]}]}]}")
              .getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    Path dbDir = tmp.resolve("db");
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), dbDir, line -> {});
    ObjectMapper json = new ObjectMapper();
    JsonNode sbom =
        json.readTree(
            "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":["
                + "{\"type\":\"library\",\"name\":\"openssl\",\"version\":\"3.0.15-1~deb12u1\","
                + "\"purl\":\"pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12\"},"
                + "{\"type\":\"library\",\"name\":\"bash\",\"version\":\"5.2.15-2+b7\","
                + "\"purl\":\"pkg:deb/debian/bash@5.2.15-2+b7?arch=amd64\"}]}");
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    Inventory inventory = new SbomFileDecoder(json, staging).read(sbom);

    try (LocalDatabase db = LocalDatabase.open(dbDir)) {
      assertThat(db.database().orElseThrow().match(inventory.os(), inventory.packages()))
          .extracting(v -> v.pkg().name() + " " + v.id())
          .containsExactly("openssl CVE-2099-0001");
      assertThat(db.database().orElseThrow().uncovered(inventory.os(), inventory.packages()))
          .extracting(ScanWarning::message)
          .containsExactly(
              "the operating system is unknown (no os-release file or operating-system component"
                  + " was read, and the purl names no release): 1 OS package is"
                  + " not checked for vulnerabilities (deb: bash)");
    }
  }
}
