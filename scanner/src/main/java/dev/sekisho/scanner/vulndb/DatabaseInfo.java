package dev.sekisho.scanner.vulndb;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code sekisho db info} prints: the database's schema version, build time, sources and size.
 *
 * @param path the database file
 * @param schemaVersion schema version of the file
 * @param builtAt when it was built
 * @param advisories number of advisories
 * @param affectedEntries number of affected-package entries
 * @param knownExploited number of CVE ids in the known-exploited catalogue
 * @param cvssEntries number of CVE ids with CVSS data from the enrichment feed
 * @param sizeBytes file size
 * @param sources the sources it was built from
 */
public record DatabaseInfo(
    String path,
    int schemaVersion,
    Instant builtAt,
    long advisories,
    long affectedEntries,
    long knownExploited,
    long cvssEntries,
    long sizeBytes,
    List<Source> sources) {

  /** The default age after which a database is reported stale. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  public DatabaseInfo {
    sources = List.copyOf(sources);
  }

  /**
   * One source the database was built from.
   *
   * @param kind "osv", "kev" or "cvss"
   * @param location the URL or path
   * @param digest sha256 of the bytes read ("sha256:…"; for a directory, of its sorted files)
   * @param records records read from it
   * @param etag the HTTP ETag when it was fetched over HTTP, else null
   */
  public record Source(String kind, String location, String digest, long records, String etag) {}

  /**
   * An id of this build: {@code sha256:} and the first 16 hex digits of the sha256 of the schema
   * version, build time, counts and each source's kind and digest. The same database file gives the
   * same id wherever it is opened; a rebuild (another time or other inputs) another one.
   */
  public String buildId() {
    StringBuilder in = new StringBuilder();
    in.append(schemaVersion)
        .append('\n')
        .append(builtAt)
        .append('\n')
        .append(advisories)
        .append('\n')
        .append(affectedEntries)
        .append('\n');
    for (Source s : sources) {
      in.append(s.kind())
          .append(' ')
          .append(s.digest())
          .append(' ')
          .append(s.records())
          .append('\n');
    }
    byte[] digest =
        ArchiveCache.sha256()
            .digest(in.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return "sha256:" + java.util.HexFormat.of().formatHex(digest, 0, 8);
  }

  /**
   * Which database decided a scan, for reports and ScanResults: schema version, {@link #buildId}
   * and advisory count, e.g. {@code v3 sha256:0123456789abcdef (4210 advisories)}; the build time
   * is reported beside it.
   */
  public String describe() {
    return "v" + schemaVersion + " " + buildId() + " (" + advisories + " advisories)";
  }

  /** The database's age at {@code now}. */
  public Duration age(Instant now) {
    return Duration.between(builtAt, now);
  }

  /** True when the database is older than {@code maxAge}. */
  public boolean isStale(Duration maxAge, Instant now) {
    return age(now).compareTo(maxAge) > 0;
  }

  /**
   * A warning for the user when the database is older than {@code maxAge}, e.g. "vulnerability
   * database is 9 days old (built 2026-11-14T10:00:00Z, limit 7 days): run `sekisho db update`".
   */
  public Optional<String> staleWarning(Duration maxAge, Instant now) {
    if (!isStale(maxAge, now)) {
      return Optional.empty();
    }
    return Optional.of(
        "vulnerability database is "
            + human(age(now))
            + " old (built "
            + builtAt
            + ", limit "
            + human(maxAge)
            + "): run `sekisho db update`");
  }

  private static String human(Duration d) {
    if (d.toDays() >= 1) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() >= 1) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    return Math.max(0, d.toMinutes()) + " minutes";
  }
}
