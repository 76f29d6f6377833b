package dev.sekisho.cli;

import dev.sekisho.scanner.vulndb.SourcesConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the vulnerability database lives and where updates come from. */
final class DbOptions {
  @Option(
      names = "--db",
      paramLabel = "DIR",
      description =
          "Vulnerability database directory. Default: $SEKISHO_DB_DIR, else"
              + " $XDG_CACHE_HOME/sekisho/db (~/.cache/sekisho/db).")
  Path db;

  @Option(
      names = "--osv-url",
      paramLabel = "URL",
      description =
          "Base URL of the OSV archives (<URL>/<Ecosystem>/all.zip) for database updates."
              + " Default: the public OSV bucket.")
  URI osvUrl;

  @Option(
      names = "--ecosystem",
      paramLabel = "NAME",
      split = ",",
      description = "OSV ecosystems to fetch on update (default: every one Sekisho scans).")
  List<String> ecosystems = new ArrayList<>();

  @Option(
      names = "--kev",
      paramLabel = "URL|FILE",
      description = "CISA Known Exploited Vulnerabilities JSON to merge on update.")
  String kev;

  @Option(
      names = "--epss",
      paramLabel = "URL|FILE",
      description =
          "FIRST's EPSS scores (epss_scores-YYYY-MM-DD.csv.gz, gzip or plain CSV) to merge on"
              + " update: findings carry the score and percentile, policies may fail on"
              + " vulnerabilities.failOnEpss.")
  String epss;

  @Option(
      names = "--cvss",
      paramLabel = "URL|FILE",
      split = ",",
      description = "CVSS feeds (NVD CVE API 2.0 JSON) to merge on update; repeatable.")
  List<String> cvss = new ArrayList<>();

  @Option(
      names = "--db-max-age",
      paramLabel = "DAYS",
      defaultValue = "7",
      description =
          "Warn when the database is older than this many days (default ${DEFAULT-VALUE}).")
  int maxAgeDays;

  /** The database directory: --db / SEKISHO_DB, else SEKISHO_DB_DIR, else the XDG cache. */
  Path directory(CliContext context) {
    if (db != null) {
      return db;
    }
    String env = context.env().get("SEKISHO_DB_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return context.cacheHome().resolve("sekisho").resolve("db");
  }

  /** The update sources. */
  SourcesConfig sources() {
    return new SourcesConfig(
        osvUrl != null ? osvUrl : SourcesConfig.DEFAULT_OSV_BASE_URL,
        ecosystems.isEmpty() ? SourcesConfig.DEFAULT_ECOSYSTEMS : ecosystems,
        List.of(),
        kev,
        cvss,
        maxAge(),
        epss);
  }

  Duration maxAge() {
    return Duration.ofDays(Math.max(0, maxAgeDays));
  }
}
