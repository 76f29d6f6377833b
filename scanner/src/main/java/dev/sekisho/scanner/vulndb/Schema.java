package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SQLite schema of the compiled database. The {@code data} columns hold {@link RowCodec}'s
 * binary rows.
 */
final class Schema {

  /**
   * Bumped whenever the tables or the data columns change incompatibly. 2: binary match rows
   * ({@link RowCodec}) instead of JSON, CVSS v4.0 scores. 3: CVSS v2 scores; an advisory's best
   * vector is the newest CVSS version's rather than the highest score of any version; {@code
   * cvss.preference}. 4: affected rows carry the GOOS/GOARCH lists of Go advisories' imports. 5:
   * and the imports' package paths and symbols (reachability). (The {@code epss} table was added
   * without a bump: a database built before it has none, and then its findings carry no EPSS score,
   * as without a feed.)
   */
  static final int VERSION = 5;

  static final String FILE_NAME = "vulndb.sqlite";

  static final String[] CREATE = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE source(kind TEXT NOT NULL, location TEXT NOT NULL, digest TEXT,"
        + " records INTEGER NOT NULL, etag TEXT)",
    "CREATE TABLE advisory(k INTEGER PRIMARY KEY, id TEXT NOT NULL, data BLOB NOT NULL)",
    "CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL,"
        + " data BLOB NOT NULL)",
    "CREATE TABLE kev(cve TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE cvss(cve TEXT PRIMARY KEY, vector TEXT NOT NULL, score REAL,"
        + " preference INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL)"
        + " WITHOUT ROWID",
  };

  static final String[] INDEXES = {
    "CREATE INDEX affected_key ON affected(ecosystem, name)",
    "CREATE UNIQUE INDEX advisory_id ON advisory(id)",
  };

  /** Reads OSV records and enrichment feeds. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Schema() {}
}
