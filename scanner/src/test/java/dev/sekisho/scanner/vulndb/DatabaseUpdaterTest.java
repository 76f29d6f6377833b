package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.Severity;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real loader over real HTTP (a local server) and from local files. */
class DatabaseUpdaterTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path dir;
  private OsvFixtures.FileServer server;
  private final List<String> progress = new ArrayList<>();
  private byte[] debianZip;
  private byte[] kev;
  private byte[] nvd;

  @BeforeEach
  void serve() throws IOException {
    server = new OsvFixtures.FileServer();
    debianZip =
        OsvFixtures.zip(
            List.of(
                rec("DEBIAN-CVE-2099-1000")
                    .upstream("CVE-2099-1000")
                    .affected(
                        "Debian:12",
                        "openssl",
                        List.of("i:0", "f:3.0.15-1~deb12u1"),
                        null,
                        Map.of("urgency", "medium")),
                rec("DSA-9000-1")
                    .upstream("CVE-2099-1000", "CVE-2099-1001")
                    .affected("Debian:12", "openssl", List.of("i:0", "f:3.0.15-1~deb12u1"), null),
                rec("DEBIAN-CVE-2099-1002")
                    .put("withdrawn", "2026-10-02T00:00:00Z")
                    .affected("Debian:12", "zlib", List.of("i:0"), null)),
            Map.of("broken.json", "{\"id\": ".getBytes(StandardCharsets.UTF_8)));
    server.put("/Debian/all.zip", debianZip);
    server.put(
        "/npm/all.zip",
        OsvFixtures.zip(
            List.of(
                rec("GHSA-aaaa-bbbb-cccc")
                    .aliases("CVE-2099-2000")
                    .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                    .affected("npm", "@scope/pkg", List.of("i:1.0.0", "f:1.4.2"), null)),
            Map.of()));
    kev =
        "{\"vulnerabilities\":[{\"cveID\":\"CVE-2099-1000\"},{\"cveID\":\"CVE-2099-3000\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    server.put("/kev.json", kev);
    nvd =
        ("{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-1001\",\"metrics\":{\"cvssMetricV31\":"
                + "[{\"type\":\"Secondary\",\"cvssData\":{\"vectorString\":"
                + "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H\",\"baseScore\":8.8}},"
                + "{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
                + "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\",\"baseScore\":7.5}}]}}}]}")
            .getBytes(StandardCharsets.UTF_8);
    server.put("/feeds/nvd.json", nvd);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SourcesConfig config() {
    return new SourcesConfig(
            server.base(), List.of("Debian", "npm"), List.of(), null, List.of(), Duration.ofDays(7))
        .withKev(server.base() + "/kev.json")
        .withCvss(List.of(server.base() + "/feeds/nvd.json"));
  }

  private DatabaseUpdater updater(Instant now) {
    return new DatabaseUpdater(HttpClient.newHttpClient(), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void updateFetchesArchivesOverHttpAndRecordsSourcesWithDigests() throws Exception {
    DatabaseInfo info = updater(T0).update(config(), dir, progress::add);

    assertThat(info.schemaVersion()).isEqualTo(Schema.VERSION);
    assertThat(info.builtAt()).isEqualTo(T0);
    assertThat(info.advisories()).as("withdrawn and unparsable records are skipped").isEqualTo(3);
    assertThat(info.knownExploited()).isEqualTo(2);
    assertThat(info.sources())
        .extracting(
            DatabaseInfo.Source::kind, DatabaseInfo.Source::location, DatabaseInfo.Source::digest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "osv", server.base() + "/Debian/all.zip", sha256(debianZip)),
            org.assertj.core.groups.Tuple.tuple(
                "osv", server.base() + "/npm/all.zip", info.sources().get(1).digest()),
            org.assertj.core.groups.Tuple.tuple("kev", server.base() + "/kev.json", sha256(kev)),
            org.assertj.core.groups.Tuple.tuple(
                "cvss", server.base() + "/feeds/nvd.json", sha256(nvd)));
    assertThat(info.sources().get(0).etag()).isNotNull();
    assertThat(progress).anyMatch(l -> l.contains("1 unreadable, skipped"));

    try (VulnDatabase db = VulnDatabase.open(dir)) {
      List<AffectedEntry> openssl = db.affected("Debian:12", "openssl");
      assertThat(openssl).hasSize(2);
      AffectedEntry tracker =
          openssl.stream()
              .filter(e -> uncheckedId(db, e).equals("DEBIAN-CVE-2099-1000"))
              .findFirst()
              .orElseThrow();
      assertThat(tracker.distroSeverity()).isEqualTo(Severity.Medium);
      assertThat(db.affected("Debian:12", "zlib")).isEmpty();
      assertThat(db.affected("npm", "@scope/pkg")).hasSize(1);
      Advisory ghsa = db.advisory(db.affected("npm", "@scope/pkg").get(0).advisoryKey());
      assertThat(ghsa.cvssScore()).isEqualTo(9.8);
      assertThat(ghsa.aliases()).containsExactly("CVE-2099-2000");
      assertThat(db.knownExploited("CVE-2099-1000")).isTrue();
      assertThat(db.knownExploited("CVE-2099-1001")).isFalse();
      assertThat(db.cvss("CVE-2099-1001"))
          .contains(new VulnDatabase.CvssData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5));
    }
  }

  private static String uncheckedId(VulnDatabase db, AffectedEntry e) {
    try {
      return db.advisory(e.advisoryKey()).id();
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Test
  void rerunAsksOnlyForWhatChangedUsingEtags() throws Exception {
    updater(T0).update(config(), dir, progress::add);
    assertThat(server.downloads("/Debian/all.zip")).isEqualTo(1);

    DatabaseInfo second = updater(T0.plusSeconds(60)).update(config(), dir, progress::add);

    assertThat(server.downloads("/Debian/all.zip")).as("not downloaded again").isEqualTo(1);
    assertThat(server.downloads("/kev.json")).isEqualTo(1);
    assertThat(server.notModified()).isEqualTo(4);
    assertThat(second.builtAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(second.advisories()).isEqualTo(3);

    // a changed archive is fetched again
    server.put(
        "/npm/all.zip",
        OsvFixtures.zip(
            List.of(rec("GHSA-dddd-eeee-ffff").affected("npm", "left-pad", List.of("i:0"), null)),
            Map.of()));
    DatabaseInfo third = updater(T0.plusSeconds(120)).update(config(), dir, progress::add);
    assertThat(server.downloads("/npm/all.zip")).isEqualTo(2);
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.affected("npm", "left-pad")).hasSize(1);
      assertThat(db.affected("npm", "@scope/pkg")).isEmpty();
    }
    assertThat(third.advisories()).isEqualTo(3);
  }

  @Test
  void failedUpdateLeavesThePreviousDatabaseInPlace() throws Exception {
    updater(T0).update(config(), dir, progress::add);
    server.fail("/npm/all.zip", 500);

    assertThatThrownBy(() -> updater(T0.plusSeconds(60)).update(config(), dir, progress::add))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(server.base() + "/npm/all.zip")
        .hasMessageContaining("HTTP 500");

    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().builtAt()).isEqualTo(T0);
      assertThat(db.affected("npm", "@scope/pkg")).hasSize(1);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void theTemporaryFileOfAKilledBuildIsRemovedByTheNextOne() throws Exception {
    // what a build killed halfway (SIGKILL, OOM) leaves behind: its finally block never ran
    Path abandoned = dir.resolve(Schema.FILE_NAME + ".tmp-4242-123456789");
    Files.write(abandoned, new byte[64 * 1024]);

    updater(T0).update(config(), dir, progress::add);

    assertThat(abandoned).doesNotExist();
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().advisories()).isEqualTo(3);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void aFailedFirstUpdateResumesWithWhatItAlreadyFetched() throws Exception {
    server.fail("/npm/all.zip", 503);
    assertThatThrownBy(() -> updater(T0).update(config(), dir, progress::add))
        .hasMessageContaining(server.base() + "/npm/all.zip")
        .hasMessageContaining("HTTP 503");
    assertThat(Files.exists(VulnDatabase.databaseFile(dir))).as("no half-built database").isFalse();
    assertThat(server.downloads("/Debian/all.zip")).isEqualTo(1);

    server.recover("/npm/all.zip");
    DatabaseInfo info = updater(T0.plusSeconds(60)).update(config(), dir, progress::add);

    assertThat(server.downloads("/Debian/all.zip")).as("kept from the failed run").isEqualTo(1);
    assertThat(server.downloads("/npm/all.zip")).isEqualTo(1);
    assertThat(info.advisories()).isEqualTo(3);
  }

  @Test
  void aDatabaseOfAnotherSchemaVersionIsRefusedWithTheRebuildCommand() throws Exception {
    updater(T0).update(config(), dir, progress::add);
    DatabaseFixtures.setSchemaVersion(dir, 1);
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has schema version 1, this Sekisho reads version " + Schema.VERSION)
        .hasMessageContaining("sekisho db update");

    // an update replaces it
    updater(T0.plusSeconds(60)).update(config(), dir, progress::add);
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().schemaVersion()).isEqualTo(Schema.VERSION);
    }
  }

  @Test
  void aBrokenLocalSourceFailsTheBuildAndLeavesThePreviousDatabase() throws Exception {
    updater(T0).update(config(), dir, progress::add);
    Path notZip = dir.resolveSibling(dir.getFileName() + "-bad.zip");
    Files.writeString(notZip, "this is not a zip archive");

    assertThatThrownBy(
            () -> updater(T0.plusSeconds(60)).importFrom(List.of(notZip), dir, progress::add))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notZip.toString());

    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().builtAt()).isEqualTo(T0);
    }
    Files.delete(notZip);
  }

  @Test
  void importReadsZipsDirectoriesAndSingleRecords(@TempDir Path data) throws Exception {
    Path zip = data.resolve("Alpine-all.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("ALPINE-CVE-2099-5000")
                    .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r30"), null)),
            Map.of()));
    Path recordsDir = Files.createDirectories(data.resolve("pypi"));
    Files.write(
        recordsDir.resolve("PYSEC-2099-1.json"),
        rec("PYSEC-2099-1")
            .affected("PyPI", "Django_REST.framework", List.of("i:0", "f:3.15"), null)
            .json());
    Path single = data.resolve("GO-2099-0001.json");
    Files.write(
        single,
        rec("GO-2099-0001").affected("Go", "stdlib", List.of("i:0", "f:1.22.5"), null).json());

    DatabaseInfo info =
        updater(T0).importFrom(List.of(zip, recordsDir, single), dir, progress::add);

    assertThat(info.advisories()).isEqualTo(3);
    assertThat(info.sources())
        .extracting(DatabaseInfo.Source::location)
        .containsExactly(zip.toString(), recordsDir.toString(), single.toString());
    assertThat(info.sources()).allMatch(s -> s.digest().startsWith("sha256:"));
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.affected("Alpine:v3.20", "busybox")).hasSize(1);
      assertThat(db.affected("PyPI", "django-rest-framework")).as("PEP 503 name key").hasSize(1);
      assertThat(db.affected("Go", "stdlib")).hasSize(1);
    }
  }

  @Test
  void staleDatabaseGivesAWarning() throws Exception {
    DatabaseInfo info = updater(T0).update(config(), dir, progress::add);
    assertThat(info.staleWarning(Duration.ofDays(7), T0.plus(Duration.ofDays(6)))).isEmpty();
    assertThat(info.staleWarning(Duration.ofDays(7), T0.plus(Duration.ofDays(9))))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("9 days old")
                    .contains("limit 7 days")
                    .contains("sekisho db update"));
  }

  @Test
  void openingADirectoryWithoutDatabaseSaysWhatToDo() {
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("sekisho db update");
  }

  @Test
  void importOfAMissingPathNamesIt() {
    Path missing = dir.resolve("nope.zip");
    assertThatThrownBy(() -> updater(T0).importFrom(List.of(missing), dir, progress::add))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void defaultDirectoryFollowsEnvironment() {
    Path home = Path.of("/home/u");
    assertThat(VulnDatabase.defaultDirectory(Map.of("SEKISHO_DB_DIR", "/data/db"), home))
        .isEqualTo(Path.of("/data/db"));
    assertThat(VulnDatabase.defaultDirectory(Map.of("XDG_CACHE_HOME", "/c"), home))
        .isEqualTo(Path.of("/c/sekisho/db"));
    assertThat(VulnDatabase.defaultDirectory(Map.of(), home))
        .isEqualTo(Path.of("/home/u/.cache/sekisho/db"));
  }

  @Test
  void archiveUrlsFollowTheOsvBucketLayout() {
    assertThat(DatabaseUpdater.archiveUrl(java.net.URI.create("https://h.example/base"), "Red Hat"))
        .hasToString("https://h.example/base/Red%20Hat/all.zip");
    assertThat(DatabaseUpdater.archiveUrl(java.net.URI.create("https://h.example/"), "crates.io"))
        .hasToString("https://h.example/crates.io/all.zip");
  }
}
