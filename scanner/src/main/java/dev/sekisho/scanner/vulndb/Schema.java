package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import java.util.List;

/** The SQLite schema of the compiled database and the JSON shapes of its data columns. */
final class Schema {

  /** Bumped whenever the tables or the data columns change incompatibly. */
  static final int VERSION = 1;

  static final String FILE_NAME = "vulndb.sqlite";

  static final String[] CREATE = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE source(kind TEXT NOT NULL, location TEXT NOT NULL, digest TEXT,"
        + " records INTEGER NOT NULL, etag TEXT)",
    "CREATE TABLE advisory(k INTEGER PRIMARY KEY, id TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL,"
        + " data TEXT NOT NULL)",
    "CREATE TABLE kev(cve TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE cvss(cve TEXT PRIMARY KEY, vector TEXT NOT NULL, score REAL) WITHOUT ROWID",
  };

  static final String[] INDEXES = {
    "CREATE INDEX affected_key ON affected(ecosystem, name)",
    "CREATE UNIQUE INDEX advisory_id ON advisory(id)",
  };

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The affected.data column. */
  record StoredAffected(List<OsvRecord.Range> r, List<String> v, Severity s, boolean w) {
    StoredAffected {
      r = r == null ? List.of() : r;
      v = v == null ? List.of() : v;
    }
  }

  /** The advisory.data column. */
  record StoredAdvisory(
      List<String> aliases,
      String summary,
      String published,
      String modified,
      String cvssVector,
      Double cvssScore,
      Severity rated,
      List<String> refs) {
    StoredAdvisory {
      aliases = aliases == null ? List.of() : aliases;
      refs = refs == null ? List.of() : refs;
    }
  }

  private Schema() {}
}
