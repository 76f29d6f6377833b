package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle carries the last update's sources (from the cache) with a manifest of digests; an import
 * verifies every digest and builds the same database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseBundleTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path work;
  private OsvFixtures.FileServer server;
  private byte[] debianZip;
  private Path online;

  @BeforeEach
  void updateOnline() throws Exception {
    server = new OsvFixtures.FileServer();
    debianZip =
        OsvFixtures.zip(
            List.of(
                rec("DEBIAN-CVE-2099-1000")
                    .affected("Debian:12", "openssl", List.of("i:0", "f:3.0.15-1~deb12u1"), null),
                rec("DEBIAN-CVE-2099-1001")
                    .affected("Debian:12", "zlib", List.of("i:0", "f:1:1.3-1"), null)),
            Map.of());
    server.put("/Debian/all.zip", debianZip);
    server.put(
        "/Red%20Hat/all.zip",
        OsvFixtures.zip(
            List.of(
                rec("RHSA-2099:0001")
                    .affected(
                        "Red Hat:enterprise_linux:9::appstream",
                        "curl",
                        List.of("i:0", "f:7.76.1-30.el9"),
                        null)),
            Map.of()));
    server.put(
        "/kev.json",
        "{\"vulnerabilities\":[{\"cveID\":\"CVE-2099-1000\"}]}".getBytes(StandardCharsets.UTF_8));
    server.put(
        "/nvd.json",
        ("{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-1001\",\"metrics\":{\"cvssMetricV31\":"
                + "[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
                + "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\",\"baseScore\":7.5}}]}}}]}")
            .getBytes(StandardCharsets.UTF_8));
    online = work.resolve("online");
    updater(T0)
        .update(
            new SourcesConfig(
                    server.base(), List.of("Debian", "Red Hat"), List.of(), null, null, null)
                .withKev(server.base() + "/kev.json")
                .withCvss(List.of(server.base() + "/nvd.json")),
            online,
            l -> {});
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static DatabaseUpdater updater(Instant now) {
    return new DatabaseUpdater(HttpClient.newHttpClient(), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void aBundleCarriesTheSourcesAndAManifestAndImportsToTheSameDatabase() throws Exception {
    Path bundle = work.resolve("out/sekisho-db.zip");
    DatabaseBundle.Manifest m = DatabaseBundle.write(online, bundle, T0.plusSeconds(5));

    assertThat(m.database().advisories()).isEqualTo(3);
    assertThat(m.files())
        .extracting(
            DatabaseBundle.Entry::kind,
            DatabaseBundle.Entry::ecosystem,
            DatabaseBundle.Entry::records)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("osv", "Debian", 2L),
            org.assertj.core.groups.Tuple.tuple("osv", "Red Hat", 1L),
            org.assertj.core.groups.Tuple.tuple("kev", null, 1L),
            org.assertj.core.groups.Tuple.tuple("cvss", null, 1L));
    assertThat(m.files().getFirst().sha256()).isEqualTo(sha256(debianZip));
    try (ZipFile z = new ZipFile(bundle.toFile())) {
      JsonNode manifest;
      try (InputStream in = z.getInputStream(z.getEntry("sekisho-bundle.json"))) {
        manifest = new ObjectMapper().readTree(in);
      }
      assertThat(manifest.path("format").asText()).isEqualTo("sekisho-vulndb-bundle");
      assertThat(manifest.path("files")).hasSize(4);
      for (JsonNode f : manifest.path("files")) {
        try (InputStream in = z.getInputStream(z.getEntry(f.path("path").asText()))) {
          assertThat(sha256(in.readAllBytes())).isEqualTo(f.path("sha256").asText());
        }
      }
    }

    Path airGapped = work.resolve("air-gapped");
    DatabaseInfo info = updater(T0.plusSeconds(60)).importFrom(List.of(bundle), airGapped, l -> {});

    assertThat(info.advisories()).isEqualTo(3);
    assertThat(info.knownExploited()).isEqualTo(1);
    assertThat(info.cvssEntries()).isEqualTo(1);
    assertThat(info.sources())
        .extracting(DatabaseInfo.Source::location)
        .containsExactly(
            server.base() + "/Debian/all.zip",
            server.base() + "/Red%20Hat/all.zip",
            server.base() + "/kev.json",
            server.base() + "/nvd.json");
    try (VulnDatabase db = VulnDatabase.open(airGapped)) {
      assertThat(db.affected("Red Hat:9", "curl")).hasSize(1);
      assertThat(db.knownExploited("CVE-2099-1000")).isTrue();
      assertThat(db.cvss("CVE-2099-1001")).isPresent();
    }

    // a database imported from a bundle can be bundled again
    Path again = work.resolve("again.zip");
    assertThat(DatabaseBundle.write(airGapped, again, T0).files()).hasSize(4);
  }

  /** Rewrites a bundle entry by entry; {@code change} returns the new bytes, or null to drop it. */
  private static Path rewrite(Path bundle, Path out, BiFunction<String, byte[], byte[]> change)
      throws IOException {
    try (ZipFile z = new ZipFile(bundle.toFile());
        OutputStream o = Files.newOutputStream(out);
        ZipOutputStream zo = new ZipOutputStream(o)) {
      var entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        byte[] bytes;
        try (InputStream in = z.getInputStream(e)) {
          bytes = change.apply(e.getName(), in.readAllBytes());
        }
        if (bytes != null) {
          zo.putNextEntry(new ZipEntry(e.getName()));
          zo.write(bytes);
          zo.closeEntry();
        }
      }
    }
    return out;
  }

  @Test
  void aFileThatDoesNotMatchItsDigestFailsTheImportNamingIt() throws Exception {
    Path bundle = work.resolve("b.zip");
    DatabaseBundle.write(online, bundle, T0);
    Path airGapped = work.resolve("air-gapped");
    updater(T0).importFrom(List.of(bundle), airGapped, l -> {});

    Path tampered =
        rewrite(
            bundle,
            work.resolve("tampered.zip"),
            (name, bytes) ->
                name.startsWith("kev/")
                    ? "{\"vulnerabilities\":[]}".getBytes(StandardCharsets.UTF_8)
                    : bytes);
    assertThatThrownBy(
            () -> updater(T0.plusSeconds(60)).importFrom(List.of(tampered), airGapped, l -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tampered.toString())
        .hasMessageContaining("kev/03-kev.json does not match its manifest digest");
    try (VulnDatabase db = VulnDatabase.open(airGapped)) {
      assertThat(db.info().builtAt()).as("the previous database stays").isEqualTo(T0);
    }
  }

  @Test
  void anEntryLargerThanItsManifestSaysIsCutOffBeforeItFillsTheDisk() throws Exception {
    Path bundle = work.resolve("b.zip");
    DatabaseBundle.write(online, bundle, T0);
    // 64 MiB of zeros deflate to a few dozen KiB: an inflation bomb in miniature
    byte[] bomb = new byte[64 << 20];
    Path inflated =
        rewrite(
            bundle,
            work.resolve("bomb.zip"),
            (name, bytes) -> name.startsWith("kev/") ? bomb : bytes);
    assertThat(Files.size(inflated)).isLessThan(1 << 20);
    assertThatThrownBy(
            () -> updater(T0).importFrom(List.of(inflated), work.resolve("bomb-db"), l -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("kev/03-kev.json holds more than the")
        .hasMessageContaining("bytes its manifest gives");
  }

  @Test
  void aMissingOrUnlistedFileFailsTheImportNamingIt() throws Exception {
    Path bundle = work.resolve("b.zip");
    DatabaseBundle.write(online, bundle, T0);
    Path missing =
        rewrite(
            bundle,
            work.resolve("missing.zip"),
            (name, bytes) -> name.startsWith("cvss/") ? null : bytes);
    assertThatThrownBy(() -> updater(T0).importFrom(List.of(missing), work.resolve("d1"), l -> {}))
        .hasMessageContaining("cvss/04-cvss-0.json is listed in its manifest but missing");

    Path extra = work.resolve("extra.zip");
    Files.copy(bundle, extra);
    try (var fs = java.nio.file.FileSystems.newFileSystem(extra)) {
      Files.writeString(fs.getPath("osv/99-extra.zip"), "not listed");
    }
    assertThatThrownBy(() -> updater(T0).importFrom(List.of(extra), work.resolve("d2"), l -> {}))
        .hasMessageContaining("holds osv/99-extra.zip, which its manifest does not list");
  }

  @Test
  void aSourceMissingFromTheCacheCannotBeBundled() throws Exception {
    Path cached = online.resolve("cache").resolve("osv-Red_Hat.zip");
    assertThat(cached).exists();
    Files.delete(cached);
    assertThatThrownBy(() -> DatabaseBundle.write(online, work.resolve("x.zip"), T0))
        .hasMessageContaining(server.base() + "/Red%20Hat/all.zip")
        .hasMessageContaining("no longer in " + online.resolve("cache"))
        .hasMessageContaining("sekisho db update");
    assertThat(work.resolve("x.zip")).doesNotExist();
  }

  @Test
  void aDirectoryHoldingABundleSaysToImportTheBundleItself() throws Exception {
    Path copied = Files.createDirectories(work.resolve("usb-stick"));
    Path bundle = copied.resolve("sekisho-db.zip");
    DatabaseBundle.write(online, bundle, T0);
    assertThatThrownBy(() -> updater(T0).importFrom(List.of(copied), work.resolve("d"), l -> {}))
        .hasMessageContaining("holds the database bundle " + bundle)
        .hasMessageContaining("import " + bundle + " itself");
  }
}
