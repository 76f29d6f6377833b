package dev.sekisho.operator.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.operator.OperatorConfig;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseBundle;
import dev.sekisho.scanner.vulndb.DatabaseRefusedException;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator loads, refreshes and reopens its database from an air-gapped bundle directory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseManagerTest {
  @TempDir Path tmp;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private double refreshes(String outcome) {
    return meters.get("sekisho_database_refreshes_total").tag("outcome", outcome).counter().count();
  }

  private double advisories() {
    return meters.get("sekisho_database_advisories").gauge().value();
  }

  /** A zip of one Alpine zlib advisory per id, each fixed in {@code fixed}. */
  private static void osvZip(Path zip, List<String> ids, String fixed) throws IOException {
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (String id : ids) {
        z.putNextEntry(new ZipEntry(id + ".json"));
        z.write(
            ("{\"id\":\"%s\",\"aliases\":[\"%s\"],\"affected\":[{\"package\":"
                    + "{\"ecosystem\":\"Alpine:v3.20\",\"name\":\"zlib\"},\"ranges\":[{\"type\":"
                    + "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"%s\"}]}]}]}")
                .formatted(id, id.replace("ALPINE-", ""), fixed)
                .getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
  }

  private static List<String> ids(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n)
        .mapToObj(i -> "ALPINE-CVE-2099-" + (1000 + i))
        .toList();
  }

  private OperatorConfig bundleConfig(Path bundle, String store) {
    return OperatorConfig.fromEnv(
        Map.of(
            "SEKISHO_STORE_DIR", tmp.resolve(store).toString(),
            "SEKISHO_DB_BUNDLE", bundle.toString()));
  }

  private static void osvZip(Path zip, String id, String fixed) throws IOException {
    String record =
        """
        {"schema_version":"1.6.0","id":"%s","modified":"2026-11-01T00:00:00Z",
         "published":"2026-10-01T00:00:00Z","aliases":["CVE-2099-1111"],"summary":"zlib test",
         "affected":[{"package":{"ecosystem":"Alpine:v3.20","name":"zlib"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"%s"}]}]}]}
        """
            .formatted(id, fixed);
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(id + ".json"));
      z.write(record.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
  }

  private static final Package ZLIB =
      new Package(
          PackageType.APK,
          "zlib",
          "1.3.1-r0",
          "zlib",
          null,
          List.of(),
          "pkg:apk/alpine/zlib@1.3.1-r0",
          new Location(null, "/lib/apk/db/installed"),
          null);
  private static final OperatingSystem ALPINE =
      new OperatingSystem("alpine", "3.20.3", null, "Alpine Linux v3.20");

  /** What the database {@code holder} holds now finds for {@code packages}. */
  private static List<Vulnerability> match(
      DatabaseHolder holder, OperatingSystem os, List<Package> packages) throws IOException {
    return holder.database().orElseThrow().match(os, packages);
  }

  @Test
  void importsTheBundleSwapsItInAndReopensItAfterARestart() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    osvZip(bundle.resolve("all.zip"), "ALPINE-CVE-2099-1111", "1.3.2-r0");
    OperatorConfig config =
        OperatorConfig.fromEnv(
            Map.of(
                "SEKISHO_STORE_DIR", tmp.resolve("store").toString(),
                "SEKISHO_DB_BUNDLE", bundle.toString()));
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(config, holder, new DatabaseUpdater(), Optional::empty, meters)) {
      assertThat(holder.database()).isEmpty();
      manager.refresh();
      assertThat(holder.database()).isPresent();
      List<Vulnerability> found = match(holder, ALPINE, List.of(ZLIB));
      assertThat(found).extracting(Vulnerability::id).containsExactly("CVE-2099-1111");

      // a new bundle: the advisory now says 1.3.1-r0 is fixed
      osvZip(bundle.resolve("all.zip"), "ALPINE-CVE-2099-1111", "1.3.1-r0");
      manager.refresh();
      assertThat(match(holder, ALPINE, List.of(ZLIB))).isEmpty();
    }
    // a restarted operator opens the stored database before any update
    DatabaseHolder restarted = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(config, restarted, new DatabaseUpdater(), Optional::empty, meters)) {
      manager.start();
      assertThat(restarted.database()).isPresent();
    }
  }

  @Test
  void emptyBundleKeepsThePreviousDatabase() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("emptied"));
    osvZip(bundle.resolve("all.zip"), ids(3), "1.3.2-r0");
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(
            bundleConfig(bundle, "store2"),
            holder,
            new DatabaseUpdater(),
            Optional::empty,
            meters)) {
      manager.refresh();
      assertThat(match(holder, ALPINE, List.of(ZLIB))).hasSize(3);

      List<DatabaseManager.Problem> told = new ArrayList<>();
      manager.onProblem(told::add);
      // the admin empties the bundle directory
      Files.delete(bundle.resolve("all.zip"));
      assertThatThrownBy(manager::refresh).hasMessageContaining("holds no .zip or .json files");
      // an empty archive
      osvZip(bundle.resolve("all.zip"), List.of(), "x");
      assertThatThrownBy(manager::refresh)
          .hasMessageContaining(bundle.resolve("all.zip").toString())
          .hasMessageContaining("holds no OSV records");

      assertThat(match(holder, ALPINE, List.of(ZLIB)))
          .as("the previous database serves")
          .hasSize(3);
      assertThat(refreshes("failed")).isEqualTo(2);
      assertThat(told)
          .extracting(DatabaseManager.Problem::reason)
          .containsExactly("DatabaseUpdateFailed", "DatabaseUpdateFailed");
      assertThat(advisories()).isEqualTo(3);
    }
  }

  @Test
  void aMuchSmallerBundleIsRefusedAndThePreviousDatabaseKeepsServing() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("shrinking"));
    osvZip(bundle.resolve("all.zip"), ids(10), "1.3.2-r0");
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(
            bundleConfig(bundle, "store-shrink"),
            holder,
            new DatabaseUpdater(),
            Optional::empty,
            meters)) {
      manager.refresh();
      var built = holder.database().orElseThrow().built();
      assertThat(advisories()).isEqualTo(10);
      // what ScanResults record as spec.scanner.databaseVersion: schema, build id, advisories
      String version = holder.database().orElseThrow().version();
      assertThat(version).matches("v\\d+ sha256:[0-9a-f]{16} \\(10 advisories\\)");

      List<DatabaseManager.Problem> told = new ArrayList<>();
      manager.onProblem(told::add);
      osvZip(bundle.resolve("all.zip"), ids(4), "1.3.2-r0");
      assertThatThrownBy(manager::refresh)
          .isInstanceOf(DatabaseRefusedException.class)
          .hasMessageContaining("would hold 4 advisories, fewer than half of the 10");
      // besides the log and the metric, the operator is told (it records a Warning Event)
      assertThat(told)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.reason()).isEqualTo("DatabaseRefused");
                assertThat(p.message())
                    .contains("the previous one (10 advisories")
                    .contains("would hold 4 advisories");
              });

      assertThat(holder.database().orElseThrow().built()).isEqualTo(built);
      assertThat(holder.database().orElseThrow().version()).isEqualTo(version);
      assertThat(match(holder, ALPINE, List.of(ZLIB))).hasSize(10);
      assertThat(refreshes("refused_shrink")).isEqualTo(1);
      assertThat(refreshes("updated")).isEqualTo(1);
      assertThat(advisories()).isEqualTo(10);

      // records without a usable range: an empty build, refused too
      Path git = bundle.resolve("all.zip");
      try (OutputStream out = Files.newOutputStream(git);
          ZipOutputStream z = new ZipOutputStream(out)) {
        z.putNextEntry(new ZipEntry("X.json"));
        z.write(
            ("{\"id\":\"X-1\",\"affected\":[{\"package\":{\"ecosystem\":\"Alpine:v3.20\","
                    + "\"name\":\"zlib\"},\"ranges\":[{\"type\":\"GIT\",\"events\":[]}]}]}")
                .getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
      assertThatThrownBy(manager::refresh).hasMessageContaining("would hold no advisories");
      assertThat(refreshes("refused_empty")).isEqualTo(1);
      assertThat(match(holder, ALPINE, List.of(ZLIB))).hasSize(10);
    }
  }

  @Test
  void aRefusedBuildNeverReachesTheStoreSoARestartCannotServeIt() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("shrinking-on-disk"));
    osvZip(bundle.resolve("all.zip"), ids(10), "1.3.2-r0");
    OperatorConfig config = bundleConfig(bundle, "store-restart");
    Path served = tmp.resolve("store-restart").resolve("vulndb").resolve("vulndb.sqlite");
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(config, holder, new DatabaseUpdater(), Optional::empty, meters)) {
      manager.refresh();
      assertThat(served).isRegularFile();
      // the file on disk goes away (a volume restored, a hand deleting it): the held handle keeps
      // serving, and the updater has nothing on disk to compare a new build with
      Files.delete(served);
      osvZip(bundle.resolve("all.zip"), ids(4), "1.3.2-r0");
      assertThatThrownBy(manager::refresh)
          .isInstanceOf(DatabaseRefusedException.class)
          .hasMessageContaining("would hold 4 advisories, fewer than half of the 10");
      assertThat(match(holder, ALPINE, List.of(ZLIB))).hasSize(10);
      assertThat(served).as("the refused build is not in the store").doesNotExist();
      assertThat(served.resolveSibling("next").resolve("vulndb.sqlite")).doesNotExist();
    }
    DatabaseHolder restarted = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(config, restarted, new DatabaseUpdater(), Optional::empty, meters)) {
      manager.start();
      assertThat(restarted.database()).as("no database rather than the refused one").isEmpty();
    }
  }

  @Test
  void aCompiledDatabaseInTheBundleDirectoryGetsAMessageSayingWhatToDo() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("copied-db-dir"));
    Files.writeString(bundle.resolve("vulndb.sqlite"), "not imported");
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(
            bundleConfig(bundle, "store-copied"),
            holder,
            new DatabaseUpdater(),
            Optional::empty,
            meters)) {
      assertThatThrownBy(manager::refresh)
          .hasMessageContaining(bundle.toString())
          .hasMessageContaining("holds a compiled database (vulndb.sqlite)")
          .hasMessageContaining("sekisho db bundle --output FILE");
      assertThat(holder.database()).isEmpty();
    }
  }

  @Test
  void aBundleFileFromSekishoDbBundleIsImported() throws Exception {
    // where the sources are reachable: a database built from an archive, then bundled
    Path archive = tmp.resolve("Alpine-all.zip");
    osvZip(archive, ids(2), "1.3.2-r0");
    Path connected = tmp.resolve("connected");
    new DatabaseUpdater().importFrom(List.of(archive), connected, l -> {});
    Path bundle = Files.createDirectories(tmp.resolve("bundle-file"));
    DatabaseBundle.write(connected, bundle.resolve("sekisho-db-bundle.zip"), Instant.now());
    Files.writeString(bundle.resolve("README.txt"), "copied with the bundle, not OSV data");

    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(
            bundleConfig(bundle, "store-bundle"),
            holder,
            new DatabaseUpdater(),
            Optional::empty,
            meters)) {
      manager.refresh();
      assertThat(match(holder, ALPINE, List.of(ZLIB)))
          .extracting(Vulnerability::id)
          .containsExactlyInAnyOrder("CVE-2099-1001", "CVE-2099-1002");
      assertThat(advisories()).isEqualTo(2);
    }
  }

  @Test
  void theConfiguredKevAndCvssFeedsEnrichTheBundle() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle-enriched"));
    osvZip(bundle.resolve("all.zip"), "ALPINE-CVE-2099-1111", "1.3.2-r0");
    Path kev =
        Files.writeString(
            tmp.resolve("kev.json"), "{\"vulnerabilities\":[{\"cveID\":\"CVE-2099-1111\"}]}");
    Path feeds = Files.createDirectories(tmp.resolve("nvd"));
    Files.writeString(
        feeds.resolve("nvd-2099.json"),
        "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-1111\",\"metrics\":{"
            + "\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
            + "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\",\"baseScore\":7.5}}]}}}]}");
    OperatorConfig config =
        OperatorConfig.fromEnv(
            Map.of(
                "SEKISHO_STORE_DIR", tmp.resolve("store-enriched").toString(),
                "SEKISHO_DB_BUNDLE", bundle.toString(),
                "SEKISHO_DB_KEV", kev.toString(),
                "SEKISHO_DB_CVSS", feeds.toString()));
    assertThat(config.dbKev()).isEqualTo(kev.toString());
    assertThat(config.dbCvss()).containsExactly(feeds.toString());
    DatabaseHolder holder = new DatabaseHolder();
    try (DatabaseManager manager =
        new DatabaseManager(config, holder, new DatabaseUpdater(), Optional::empty, meters)) {
      manager.refresh();

      Vulnerability v = match(holder, ALPINE, List.of(ZLIB)).getFirst();

      assertThat(v.id()).isEqualTo("CVE-2099-1111");
      assertThat(v.knownExploited()).isTrue();
      assertThat(v.cvssScore()).isEqualTo(7.5);
      assertThat(v.cvssVector()).isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
    }
  }

  @Test
  void sourcesAreAnArchiveBaseUrlAndLocalPaths() {
    SourcesConfig defaults = DatabaseManager.sources(List.of());
    assertThat(defaults.osvBaseUrl()).isEqualTo(SourcesConfig.DEFAULT_OSV_BASE_URL);
    SourcesConfig mixed =
        DatabaseManager.sources(List.of("https://mirror.example.com/osv", "/data/extra.zip"));
    assertThat(mixed.osvBaseUrl().toString()).isEqualTo("https://mirror.example.com/osv");
    assertThat(mixed.ecosystems()).isNotEmpty();
    assertThat(mixed.osvPaths()).containsExactly(Path.of("/data/extra.zip"));
    assertThatThrownBy(() -> DatabaseManager.sources(List.of("https://a", "https://b")))
        .hasMessageContaining("only one OSV base URL");
  }
}
