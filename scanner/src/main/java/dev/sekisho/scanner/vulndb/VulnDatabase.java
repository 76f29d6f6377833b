package dev.sekisho.scanner.vulndb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The compiled vulnerability database, opened read-only. Open it once and share it: queries are
 * serialised on the one connection and cheap (an indexed lookup per package name).
 *
 * <pre>{@code
 * try (VulnDatabase db = VulnDatabase.open(VulnDatabase.defaultDirectory())) {
 *   db.info().staleWarning(DatabaseInfo.DEFAULT_MAX_AGE, Instant.now()).ifPresent(log::warn);
 *   List<Vulnerability> found = new VulnerabilityMatcher(db).match(os, packages);
 * }
 * }</pre>
 */
public final class VulnDatabase implements AutoCloseable {

  private final Path file;
  private final Connection db;

  /** The ecosystem key of Maven advisories. */
  static final String MAVEN = "Maven";

  /** Names per batched lookup (SQLite allows 32,766 parameters). */
  static final int BATCH = 200;

  private final PreparedStatement affectedOne;
  private final PreparedStatement affectedBatch;
  private final PreparedStatement advisory;
  private final PreparedStatement cvss;
  private final Map<Long, Advisory> advisoryCache = new HashMap<>();
  private java.util.Set<String> knownExploitedIds;
  private Map<String, SortedSet<String>> mavenGroupsByArtifact;
  private final Map<String, Boolean> ecosystemsHeld = new HashMap<>();

  private VulnDatabase(Path file, Connection db) throws SQLException {
    this.file = file;
    this.db = db;
    String select = "SELECT name, advisory, data FROM affected WHERE ecosystem=? AND name";
    affectedOne = db.prepareStatement(select + "=?");
    affectedBatch =
        db.prepareStatement(
            select + " IN (" + String.join(",", Collections.nCopies(BATCH, "?")) + ")");
    advisory = db.prepareStatement("SELECT id, data FROM advisory WHERE k=?");
    cvss = db.prepareStatement("SELECT vector, score FROM cvss WHERE cve=?");
  }

  /**
   * The default database directory: {@code $SEKISHO_DB_DIR}, else {@code
   * $XDG_CACHE_HOME/sekisho/db}, else {@code ~/.cache/sekisho/db}.
   */
  public static Path defaultDirectory() {
    return defaultDirectory(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  static Path defaultDirectory(Map<String, String> env, Path home) {
    String dir = env.get("SEKISHO_DB_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    String cache = env.get("XDG_CACHE_HOME");
    Path base = cache != null && !cache.isBlank() ? Path.of(cache) : home.resolve(".cache");
    return base.resolve("sekisho").resolve("db");
  }

  /** The database file inside a database directory. */
  public static Path databaseFile(Path dir) {
    return dir.resolve(Schema.FILE_NAME);
  }

  /**
   * Opens the database in {@code dir} read-only.
   *
   * @throws IOException with a message naming the directory when there is no database (run {@code
   *     sekisho db update}), or it has another schema version, or it cannot be read
   */
  public static VulnDatabase open(Path dir) throws IOException {
    Path file = databaseFile(dir);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no vulnerability database in "
              + dir
              + ": run `sekisho db update` or `sekisho db import`");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setOpenMode(SQLiteOpenMode.NOMUTEX);
    Connection c = null;
    try {
      c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      int schema;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key='schema_version'")) {
        schema = rs.next() ? Integer.parseInt(rs.getString(1)) : -1;
      }
      if (schema != Schema.VERSION) {
        c.close();
        throw new IOException(
            "vulnerability database "
                + file
                + " has schema version "
                + schema
                + ", this Sekisho reads version "
                + Schema.VERSION
                + ": run `sekisho db update`");
      }
      String inconsistent = inconsistency(c);
      if (inconsistent != null) {
        c.close();
        throw new IOException(
            "vulnerability database "
                + file
                + " is inconsistent: "
                + inconsistent
                + ": rebuild it with `sekisho db update` or `sekisho db import`");
      }
      return new VulnDatabase(file, c);
    } catch (SQLException | NumberFormatException e) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (SQLException ignored) {
        // already failing
      }
      throw new IOException(
          "cannot open vulnerability database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What makes an opened database unusable, or null. Cheap: one pass over the advisory id index
   * (tens of milliseconds for 400,000 advisories, while the CLI reads the image) and look-ups: the
   * metadata must name a build time and positive advisory and affected-entry counts; the advisory
   * table must hold as many rows as the metadata counts (counted on its id index, the smallest),
   * and the affected table's last row id must equal its count (the builder appends rows 1..n and
   * never deletes, so an emptied or truncated table shows). Rows deleted from the middle of the
   * affected table are not detected.
   */
  private static String inconsistency(Connection c) throws SQLException {
    Map<String, String> meta = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        meta.put(rs.getString(1), rs.getString(2));
      }
    }
    for (String key : List.of("built_at", "advisories", "affected")) {
      if (meta.get(key) == null) {
        return "its metadata has no " + key;
      }
    }
    long advisories;
    long affected;
    try {
      Instant.parse(meta.get("built_at"));
      advisories = Long.parseLong(meta.get("advisories"));
      affected = Long.parseLong(meta.get("affected"));
    } catch (RuntimeException e) {
      return "its metadata does not parse (" + e.getMessage() + ")";
    }
    if (advisories <= 0) {
      return "it holds no advisories";
    }
    long advisoryRows = single(c, "SELECT count(*) FROM advisory");
    if (advisoryRows != advisories) {
      return "its metadata counts "
          + advisories
          + " advisories but the advisory table holds "
          + advisoryRows;
    }
    long affectedRows = single(c, "SELECT coalesce(max(rowid), 0) FROM affected");
    if (affected < advisories || affectedRows != affected) {
      return "its metadata counts "
          + advisories
          + " advisories with "
          + affected
          + " affected entries but the affected table holds "
          + affectedRows;
    }
    return null;
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** Metadata for {@code sekisho db info}. */
  public synchronized DatabaseInfo info() throws IOException {
    try (Statement s = db.createStatement()) {
      Map<String, String> meta = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      List<DatabaseInfo.Source> sources = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT kind, location, digest, records, etag FROM source ORDER BY rowid")) {
        while (rs.next()) {
          sources.add(
              new DatabaseInfo.Source(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getString(5)));
        }
      }
      return new DatabaseInfo(
          file.toString(),
          Integer.parseInt(meta.get("schema_version")),
          Instant.parse(meta.get("built_at")),
          Long.parseLong(meta.getOrDefault("advisories", "0")),
          Long.parseLong(meta.getOrDefault("affected", "0")),
          count(s, "kev"),
          count(s, "cvss"),
          Files.size(file),
          sources);
    } catch (SQLException | RuntimeException e) {
      throw new IOException("cannot read metadata of " + file + ": " + e.getMessage(), e);
    }
  }

  private static long count(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The affected entries for a package, by ecosystem key and name key (see {@link EcosystemKeys}).
   */
  public synchronized List<AffectedEntry> affected(String ecosystem, String name)
      throws IOException {
    return affected(ecosystem, List.of(name)).getOrDefault(name, List.of());
  }

  /**
   * The affected entries for many package names of one ecosystem, in as few queries as possible
   * ({@value #BATCH} names per query).
   *
   * @return entries by name key; names without entries are absent
   */
  public synchronized Map<String, List<AffectedEntry>> affected(
      String ecosystem, Collection<String> names) throws IOException {
    Map<String, List<AffectedEntry>> out = new HashMap<>();
    List<String> unique = List.copyOf(new LinkedHashSet<>(names));
    try {
      for (int from = 0; from < unique.size(); from += BATCH) {
        List<String> chunk = unique.subList(from, Math.min(unique.size(), from + BATCH));
        PreparedStatement q = chunk.size() == 1 ? affectedOne : affectedBatch;
        q.setString(1, ecosystem);
        for (int i = 0; i < (chunk.size() == 1 ? 1 : BATCH); i++) {
          // a short last chunk repeats its last name: IN is a set, no row comes twice
          q.setString(2 + i, chunk.get(Math.min(i, chunk.size() - 1)));
        }
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String name = rs.getString(1);
            RowCodec.Affected a;
            try {
              a = RowCodec.decodeAffected(rs.getBytes(3));
            } catch (IllegalArgumentException e) {
              throw new IOException(
                  "corrupt affected row of "
                      + ecosystem
                      + " package "
                      + name
                      + " (advisory #"
                      + rs.getLong(2)
                      + ") in "
                      + file
                      + ": "
                      + e.getMessage()
                      + ": rebuild the database with `sekisho db update` or `sekisho db import`",
                  e);
            }
            out.computeIfAbsent(name, k -> new ArrayList<>())
                .add(
                    new AffectedEntry(
                        rs.getLong(2),
                        ecosystem,
                        name,
                        a.ranges(),
                        a.versions(),
                        a.distro(),
                        a.wontFix(),
                        a.platforms()));
          }
        }
      }
      return out;
    } catch (SQLException | RuntimeException e) {
      throw new IOException(
          "cannot read advisories for "
              + ecosystem
              + " packages "
              + (unique.size() == 1 ? unique.get(0) : unique.size() + " names")
              + " from "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Whether the database holds any advisory for an ecosystem key (e.g. {@code Alpine:v3.20}, {@code
   * npm}): one seek of the {@code (ecosystem, name)} index per key, remembered while open. A
   * package of an ecosystem the database does not hold is matched against nothing, which the
   * matcher reports (see {@code VulnerabilityMatcher#uncovered}).
   */
  public synchronized boolean holdsEcosystem(String ecosystem) throws IOException {
    Boolean known = ecosystemsHeld.get(ecosystem);
    if (known != null) {
      return known;
    }
    try (PreparedStatement q =
        db.prepareStatement("SELECT 1 FROM affected WHERE ecosystem=? LIMIT 1")) {
      q.setString(1, ecosystem);
      try (ResultSet rs = q.executeQuery()) {
        boolean held = rs.next();
        ecosystemsHeld.put(ecosystem, held);
        return held;
      }
    } catch (SQLException e) {
      throw new IOException("cannot read the ecosystems of " + file + ": " + e.getMessage(), e);
    }
  }

  /** The advisory with a row key from an {@link AffectedEntry}. */
  public synchronized Advisory advisory(long key) throws IOException {
    Advisory cached = advisoryCache.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      advisory.setLong(1, key);
      Advisory result;
      try (ResultSet rs = advisory.executeQuery()) {
        if (!rs.next()) {
          throw new IOException("advisory #" + key + " missing from " + file);
        }
        RowCodec.StoredAdvisory a;
        try {
          a = RowCodec.decodeAdvisory(rs.getBytes(2));
        } catch (IllegalArgumentException e) {
          throw new IOException(
              "corrupt advisory row #"
                  + key
                  + " ("
                  + rs.getString(1)
                  + ") in "
                  + file
                  + ": "
                  + e.getMessage()
                  + ": rebuild the database with `sekisho db update` or `sekisho db import`",
              e);
        }
        result =
            new Advisory(
                rs.getString(1),
                a.aliases(),
                a.summary(),
                a.published(),
                a.modified(),
                a.cvssVector(),
                a.cvssScore(),
                a.rated(),
                a.refs());
      }
      if (advisoryCache.size() > 10_000) {
        advisoryCache.clear();
      }
      advisoryCache.put(key, result);
      return result;
    } catch (SQLException | RuntimeException e) {
      throw new IOException(
          "cannot read advisory #" + key + " from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The groups under which the database holds Maven advisories for each of these artifactIds (the
   * names {@code group:artifactId}), for archives that do not declare their group.
   *
   * <p>The first call reads the distinct Maven names once, a range scan of the {@code (ecosystem,
   * name)} index that never touches the table rows (a few thousand names), and keeps them by
   * artifactId: a suffix is not something an index on {@code name} can seek, and one read per open
   * database costs less than any per-batch query would.
   *
   * @return groups by artifactId, sorted; artifactIds the database does not know are absent
   */
  public synchronized Map<String, SortedSet<String>> mavenGroups(Collection<String> artifactIds)
      throws IOException {
    if (mavenGroupsByArtifact == null) {
      Map<String, SortedSet<String>> all = new HashMap<>();
      try (PreparedStatement q =
          db.prepareStatement("SELECT DISTINCT name FROM affected WHERE ecosystem=?")) {
        q.setString(1, MAVEN);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String name = rs.getString(1);
            int colon = name.lastIndexOf(':');
            if (colon > 0 && colon < name.length() - 1) {
              all.computeIfAbsent(name.substring(colon + 1), k -> new TreeSet<>())
                  .add(name.substring(0, colon));
            }
          }
        }
      } catch (SQLException e) {
        throw new IOException(
            "cannot read the Maven package names from " + file + ": " + e.getMessage(), e);
      }
      mavenGroupsByArtifact = all;
    }
    Map<String, SortedSet<String>> out = new HashMap<>();
    for (String a : artifactIds) {
      SortedSet<String> groups = mavenGroupsByArtifact.get(a);
      if (groups != null) {
        out.put(a, Collections.unmodifiableSortedSet(groups));
      }
    }
    return out;
  }

  /** True when the id is in the known-exploited catalogue. */
  public synchronized boolean knownExploited(String id) throws IOException {
    try {
      if (knownExploitedIds == null) {
        // the catalogue is small (about a thousand CVEs): one read, then set lookups
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (Statement s = db.createStatement();
            ResultSet rs = s.executeQuery("SELECT cve FROM kev")) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
        knownExploitedIds = ids;
      }
      return knownExploitedIds.contains(id);
    } catch (SQLException e) {
      throw new IOException(
          "cannot read known-exploited data from " + file + ": " + e.getMessage(), e);
    }
  }

  private Boolean hasEpss;
  private PreparedStatement epss;

  /**
   * The EPSS score of a CVE, if an EPSS feed was built in and scores it. A database built before
   * the epss table existed has none.
   */
  public synchronized Optional<dev.sekisho.scanner.model.EpssScore> epss(String cve)
      throws IOException {
    try {
      if (hasEpss == null) {
        try (Statement s = db.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='epss'")) {
          hasEpss = rs.next() && rs.getInt(1) > 0;
        }
        if (hasEpss) {
          epss = db.prepareStatement("SELECT score, percentile FROM epss WHERE cve=?");
        }
      }
      if (!hasEpss) {
        return Optional.empty();
      }
      epss.setString(1, cve);
      try (ResultSet rs = epss.executeQuery()) {
        return rs.next()
            ? Optional.of(new dev.sekisho.scanner.model.EpssScore(rs.getDouble(1), rs.getDouble(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IOException("cannot read EPSS scores from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * CVSS data for a CVE from the enrichment feed.
   *
   * @param vector the vector
   * @param score the base score (computed, or the feed's when we cannot compute it), or null
   */
  public record CvssData(String vector, Double score) {}

  /** The enrichment feed's CVSS data for a CVE, if any. */
  public synchronized Optional<CvssData> cvss(String cve) throws IOException {
    try {
      cvss.setString(1, cve);
      try (ResultSet rs = cvss.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        double score = rs.getDouble(2);
        return Optional.of(new CvssData(rs.getString(1), rs.wasNull() ? null : score));
      }
    } catch (SQLException e) {
      throw new IOException("cannot read CVSS data from " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IOException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
