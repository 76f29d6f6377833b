package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.vulndb.DatabaseFixtures;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sekisho db info}: the stale-database warning and the message for an old schema. */
class DbCommandTest {

  @TempDir Path tmp;

  private Path database(Duration age) throws Exception {
    Path zip = tmp.resolve("Debian-all.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("DEBIAN-CVE-2099-0001")
                    .affected("Debian:12", "openssl", List.of("i:0", "f:3.0.15-1~deb12u1"), null)),
            Map.of()));
    Path db = tmp.resolve("db");
    new DatabaseUpdater(
            HttpClient.newHttpClient(), Clock.fixed(CliRun.NOW.minus(age), ZoneOffset.UTC))
        .importFrom(List.of(zip), db, line -> {});
    return db;
  }

  private CliRun info(Path db, String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "db";
    args[1] = "info";
    args[2] = "--db=" + db;
    System.arraycopy(more, 0, args, 3, more.length);
    return CliRun.run(Map.of("HOME", tmp.toString()), args);
  }

  @Test
  void aFreshDatabaseGivesNoWarning() throws Exception {
    CliRun r = info(database(Duration.ofDays(2)));
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("advisories:      1");
    assertThat(r.err()).doesNotContain("warning");
  }

  @Test
  void aDatabaseOlderThanTheLimitGivesAWarning() throws Exception {
    Path db = database(Duration.ofDays(9));
    CliRun r = info(db);
    assertThat(r.exitCode()).isZero();
    assertThat(r.err())
        .contains("sekisho: warning: vulnerability database is 9 days old")
        .contains("limit 7 days")
        .contains("run `sekisho db update`");

    assertThat(info(db, "--db-max-age=10").err()).doesNotContain("warning");
  }

  @Test
  void aDatabaseOfAnotherSchemaVersionSaysToRebuild() throws Exception {
    Path db = database(Duration.ZERO);
    DatabaseFixtures.setSchemaVersion(db, 1);
    CliRun r = info(db);
    assertThat(r.exitCode()).isGreaterThanOrEqualTo(2);
    assertThat(r.err())
        .contains("has schema version 1")
        .contains("run `sekisho db update`")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
