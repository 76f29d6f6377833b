package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database fails closed: a source without OSV records, an empty or much smaller build, and an
 * inconsistent or corrupt database file are errors that name the input, and the database in place
 * stays as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseFailClosedTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path dir;
  @TempDir Path data;
  private final List<String> progress = new ArrayList<>();

  private DatabaseUpdater updater(Instant now) {
    return new DatabaseUpdater(HttpClient.newHttpClient(), Clock.fixed(now, ZoneOffset.UTC));
  }

  /** Four advisories for Debian 12 packages, built at T0. */
  @BeforeEach
  void goodDatabase() throws Exception {
    Path zip = data.resolve("Debian-all.zip");
    List<OsvFixtures.Rec> recs = new ArrayList<>();
    for (String pkg : List.of("openssl", "zlib", "curl", "bash")) {
      recs.add(
          rec("DEBIAN-CVE-2099-" + pkg)
              .affected("Debian:12", pkg, List.of("i:0", "f:9.9-1"), null));
    }
    Files.write(zip, OsvFixtures.zip(recs, Map.of()));
    assertThat(updater(T0).importFrom(List.of(zip), dir, progress::add).advisories()).isEqualTo(4);
  }

  private void assertTheGoodDatabaseIsInPlace() throws IOException {
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().builtAt()).isEqualTo(T0);
      assertThat(db.info().advisories()).isEqualTo(4);
      assertThat(db.affected("Debian:12", "openssl")).hasSize(1);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  private void assertImportFails(Path source, String... messageParts) throws IOException {
    assertThatThrownBy(() -> updater(T0.plusSeconds(60)).importFrom(List.of(source), dir, l -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(source.toString())
        .hasMessageContainingAll(messageParts);
    assertTheGoodDatabaseIsInPlace();
  }

  @Test
  void aZipOfJsonThatIsNotOsvIsRefused() throws Exception {
    Path zip = data.resolve("not-osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(),
            Map.of(
                "package.json", "{\"name\":\"left-pad\"}".getBytes(StandardCharsets.UTF_8),
                "list.json", "[1,2,3]".getBytes(StandardCharsets.UTF_8))));
    assertImportFails(zip, "holds no OSV records");
  }

  @Test
  void anOsvRecordWithoutAffectedPackagesIsRefused() throws Exception {
    Path json = data.resolve("GHSA-no-affected.json");
    Files.writeString(
        json, "{\"schema_version\":\"1.6.0\",\"id\":\"GHSA-xxxx\",\"summary\":\"no affected\"}");
    assertImportFails(json, "holds no OSV records", "GHSA-xxxx", "\"affected\"");
  }

  @Test
  void aJsonFileThatIsNotOsvIsRefused() throws Exception {
    Path json = data.resolve("settings.json");
    Files.writeString(json, "{\"theme\":\"dark\"}");
    assertImportFails(json, "is not OSV data", "no \"id\"");
  }

  @Test
  void anEmptyZipIsRefused() throws Exception {
    Path zip = data.resolve("empty.zip");
    Files.write(zip, OsvFixtures.zip(List.of(), Map.of()));
    assertImportFails(zip, "holds no OSV records", "no .json records");
  }

  @Test
  void anEmptyDirectoryIsRefused() throws Exception {
    Path empty = Files.createDirectories(data.resolve("empty"));
    assertImportFails(empty, "holds no OSV records", "no .json or .zip files");
  }

  @Test
  void aDatabaseDirectoryIsRefusedWithWhatToDoInstead() throws Exception {
    Path copy = Files.createDirectories(data.resolve("copied-db"));
    Files.copy(VulnDatabase.databaseFile(dir), copy.resolve("vulndb.sqlite"));
    assertImportFails(
        copy, "is a Sekisho database directory", "sekisho db bundle", "sekisho db import FILE");
    assertImportFails(copy.resolve("vulndb.sqlite"), "is a compiled Sekisho database");
  }

  @Test
  void aBuildWithoutAdvisoriesIsRefused() throws Exception {
    // OSV data, but only a GIT range: nothing Sekisho can match
    Path json = data.resolve("GIT-only.json");
    Files.writeString(
        json,
        """
        {"id":"OSV-2099-1","affected":[{"package":{"ecosystem":"Debian:12","name":"x"},
         "ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]}]}
        """);
    assertThatThrownBy(() -> updater(T0.plusSeconds(60)).importFrom(List.of(json), dir, l -> {}))
        .isInstanceOfSatisfying(
            DatabaseRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(DatabaseRefusedException.Reason.EMPTY))
        .hasMessageContaining("would hold no advisories")
        .hasMessageContaining(json.toString());
    assertTheGoodDatabaseIsInPlace();

    // with no database before, nothing is written either
    Path fresh = data.resolve("fresh");
    assertThatThrownBy(() -> updater(T0).importFrom(List.of(json), fresh, l -> {}))
        .isInstanceOf(DatabaseRefusedException.class);
    assertThat(Files.exists(VulnDatabase.databaseFile(fresh))).isFalse();
  }

  @Test
  void aMuchSmallerDatabaseIsRefusedUnlessShrinkingIsAllowed() throws Exception {
    Path one = data.resolve("one.json");
    Files.write(
        one, rec("DEBIAN-CVE-2099-9").affected("Debian:12", "tar", List.of("i:0"), null).json());

    assertThatThrownBy(() -> updater(T0.plusSeconds(60)).importFrom(List.of(one), dir, l -> {}))
        .isInstanceOfSatisfying(
            DatabaseRefusedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(DatabaseRefusedException.Reason.SHRINK);
              assertThat(e.advisories()).isEqualTo(1);
              assertThat(e.previousAdvisories()).isEqualTo(4);
            })
        .hasMessageContaining("would hold 1 advisories")
        .hasMessageContaining("of the 4 in the current one")
        .hasMessageContaining("--allow-shrink");
    assertTheGoodDatabaseIsInPlace();

    DatabaseInfo replaced =
        updater(T0.plusSeconds(120)).allowShrink(true).importFrom(List.of(one), dir, l -> {});
    assertThat(replaced.advisories()).isEqualTo(1);
  }

  @Test
  void halfTheAdvisoriesIsNotYetAShrink() throws Exception {
    Path two = data.resolve("two.zip");
    Files.write(
        two,
        OsvFixtures.zip(
            List.of(
                rec("A-1").affected("Debian:12", "a", List.of("i:0"), null),
                rec("A-2").affected("Debian:12", "b", List.of("i:0"), null)),
            Map.of()));
    assertThat(updater(T0.plusSeconds(60)).importFrom(List.of(two), dir, l -> {}).advisories())
        .isEqualTo(2);
  }

  private void sql(String statement) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + VulnDatabase.databaseFile(dir));
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void anEmptiedAffectedTableIsRefusedOnOpen() throws Exception {
    sql("DELETE FROM affected");
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(VulnDatabase.databaseFile(dir).toString())
        .hasMessageContaining("is inconsistent")
        .hasMessageContaining("4 advisories with 4 affected entries")
        .hasMessageContaining("affected table holds 0");
  }

  @Test
  void aTruncatedAffectedTableIsRefusedOnOpen() throws Exception {
    sql("DELETE FROM affected WHERE rowid > 1");
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .hasMessageContaining("is inconsistent")
        .hasMessageContaining("affected table holds 1");
  }

  @Test
  void missingAdvisoryRowsAreRefusedOnOpen() throws Exception {
    sql("DELETE FROM advisory WHERE k > 2");
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .hasMessageContaining("is inconsistent")
        .hasMessageContaining("metadata counts 4 advisories but the advisory table holds 2");
  }

  @Test
  void aDatabaseOfNoAdvisoriesIsRefusedOnOpen() throws Exception {
    sql("DELETE FROM affected");
    sql("DELETE FROM advisory");
    sql("UPDATE meta SET value='0' WHERE key IN ('advisories','affected')");
    assertThatThrownBy(() -> VulnDatabase.open(dir))
        .hasMessageContaining(VulnDatabase.databaseFile(dir).toString())
        .hasMessageContaining("holds no advisories");

    // and the next import replaces it, however small
    Path one = data.resolve("one.json");
    Files.write(one, rec("X-1").affected("Debian:12", "tar", List.of("i:0"), null).json());
    assertThat(updater(T0).importFrom(List.of(one), dir, l -> {}).advisories()).isEqualTo(1);
  }

  @Test
  void aCorruptAffectedRowNamesThePackageAndTheProblem() throws Exception {
    sql("UPDATE affected SET data = x'05' WHERE name = 'zlib'");
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThatThrownBy(() -> db.affected("Debian:12", "zlib"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("corrupt affected row of Debian:12 package zlib (advisory #")
          .hasMessageContaining("row of 1 bytes ends early at byte 1")
          .hasMessageNotContaining("null");
      assertThat(db.affected("Debian:12", "openssl")).hasSize(1);
    }
  }

  @Test
  void aCorruptAdvisoryRowNamesTheAdvisoryAndTheProblem() throws Exception {
    sql("UPDATE advisory SET data = x'00' WHERE id = 'DEBIAN-CVE-2099-curl'");
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      long key = db.affected("Debian:12", "curl").getFirst().advisoryKey();
      assertThatThrownBy(() -> db.advisory(key))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("corrupt advisory row #" + key + " (DEBIAN-CVE-2099-curl)")
          .hasMessageContaining("ends early")
          .hasMessageContaining(VulnDatabase.databaseFile(dir).toString());
    }
  }

  @Test
  void aScanNamesTheDatabaseThatDecidedItByBuildIdAndAdvisoryCount() throws Exception {
    String first;
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      first = db.info().describe();
    }
    assertThat(first).matches("v" + Schema.VERSION + " sha256:[0-9a-f]{16} \\(4 advisories\\)");
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.info().describe()).as("the same file, the same id").isEqualTo(first);
    }
    Path zip = data.resolve("Debian-all.zip");
    DatabaseInfo rebuilt = updater(T0.plusSeconds(60)).importFrom(List.of(zip), dir, l -> {});
    assertThat(rebuilt.describe()).endsWith("(4 advisories)").isNotEqualTo(first);
  }
}
