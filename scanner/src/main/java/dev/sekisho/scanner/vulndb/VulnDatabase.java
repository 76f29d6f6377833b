package dev.sekisho.scanner.vulndb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Properties connectionProperties;

  /** The ecosystem key of Maven advisories. */
  static final String MAVEN = "Maven";

  /** Names per batched lookup (SQLite allows 32,766 parameters). */
  static final int BATCH = 200;

  /**
   * Most connections open at once: one per core (at least two). A SQLite connection serves one
   * thread at a time, so a single connection made every concurrent scan (the operator's scan API
   * serves several at once) wait for the others' queries; read-only connections to one file read in
   * parallel. Each is opened when first needed and kept until {@link #close}.
   */
  private final int maxReaders = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final Object lock = new Object();
  private final List<Reader> readers = new ArrayList<>(); // guarded by lock
  private final ArrayDeque<Reader> idle = new ArrayDeque<>(); // guarded by lock
  private boolean closed; // guarded by lock

  private final Map<Long, Advisory> advisoryCache = new ConcurrentHashMap<>();
  private volatile java.util.Set<String> knownExploitedIds;
  private volatile Map<String, SortedSet<String>> mavenGroupsByArtifact;
  private final Map<String, Boolean> ecosystemsHeld = new ConcurrentHashMap<>();

  /** One read-only connection and its prepared statements, used by one thread at a time. */
  static final class Reader {
    final Connection connection;
    final PreparedStatement affectedOne;
    final PreparedStatement affectedBatch;
    final PreparedStatement advisory;
    final PreparedStatement cvss;

    Reader(Connection connection) throws SQLException {
      this.connection = connection;
      String select = "SELECT name, advisory, data FROM affected WHERE ecosystem=? AND name";
      affectedOne = connection.prepareStatement(select + "=?");
      affectedBatch =
          connection.prepareStatement(
              select + " IN (" + String.join(",", Collections.nCopies(BATCH, "?")) + ")");
      advisory = connection.prepareStatement("SELECT id, data FROM advisory WHERE k=?");
      cvss = connection.prepareStatement("SELECT vector, score FROM cvss WHERE cve=?");
    }
  }

  /** What a read does with a connection. */
  @FunctionalInterface
  interface ReadAction<T> {
    T apply(Reader reader) throws SQLException, IOException;
  }

  private VulnDatabase(Path file, Connection first, Properties connectionProperties)
      throws SQLException {
    this.file = file;
    this.connectionProperties = connectionProperties;
    Reader reader = new Reader(first);
    readers.add(reader);
    idle.add(reader);
  }

  /**
   * Runs {@code action} with a connection of its own: an idle one, a new one while fewer than the
   * limit are open, else the first one given back.
   */
  <T> T read(ReadAction<T> action) throws SQLException, IOException {
    Reader reader = borrow();
    try {
      return action.apply(reader);
    } finally {
      giveBack(reader);
    }
  }

  private Reader borrow() throws IOException {
    synchronized (lock) {
      while (true) {
        if (closed) {
          throw new IOException("vulnerability database " + file + " is closed");
        }
        Reader reader = idle.pollFirst();
        if (reader != null) {
          return reader;
        }
        if (readers.size() < maxReaders) {
          try {
            reader =
                new Reader(
                    DriverManager.getConnection("jdbc:sqlite:" + file, connectionProperties));
          } catch (SQLException e) {
            throw new IOException(
                "cannot open another connection to vulnerability database "
                    + file
                    + ": "
                    + e.getMessage(),
                e);
          }
          readers.add(reader);
          return reader;
        }
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for a connection to " + file);
        }
      }
    }
  }

  private void giveBack(Reader reader) {
    synchronized (lock) {
      if (closed) {
        closeQuietly(reader);
        readers.remove(reader);
      } else {
        idle.addFirst(reader);
        lock.notify();
      }
    }
  }

  private static void closeQuietly(Reader reader) {
    try {
      reader.connection.close();
    } catch (SQLException ignored) {
      // read-only: nothing to lose
    }
  }

  /** Connections open now (for tests). */
  int openConnections() {
    synchronized (lock) {
      return readers.size();
    }
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
      return new VulnDatabase(file, c, config.toProperties());
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
  public DatabaseInfo info() throws IOException {
    try {
      return read(r -> info(r.connection));
    } catch (SQLException | RuntimeException e) {
      throw new IOException("cannot read metadata of " + file + ": " + e.getMessage(), e);
    }
  }

  private DatabaseInfo info(Connection db) throws SQLException, IOException {
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
  public List<AffectedEntry> affected(String ecosystem, String name) throws IOException {
    return affected(ecosystem, List.of(name)).getOrDefault(name, List.of());
  }

  /**
   * The affected entries for many package names of one ecosystem, in as few queries as possible
   * ({@value #BATCH} names per query).
   *
   * @return entries by name key; names without entries are absent
   */
  public Map<String, List<AffectedEntry>> affected(String ecosystem, Collection<String> names)
      throws IOException {
    List<String> unique = List.copyOf(new LinkedHashSet<>(names));
    try {
      return read(r -> affected(r, ecosystem, unique));
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

  private Map<String, List<AffectedEntry>> affected(Reader r, String ecosystem, List<String> unique)
      throws SQLException, IOException {
    Map<String, List<AffectedEntry>> out = new HashMap<>();
    {
      for (int from = 0; from < unique.size(); from += BATCH) {
        List<String> chunk = unique.subList(from, Math.min(unique.size(), from + BATCH));
        PreparedStatement q = chunk.size() == 1 ? r.affectedOne : r.affectedBatch;
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
                        a.platforms(),
                        a.imports()));
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether the database holds any advisory for an ecosystem key (e.g. {@code Alpine:v3.20}, {@code
   * npm}): one seek of the {@code (ecosystem, name)} index per key, remembered while open. A
   * package of an ecosystem the database does not hold is matched against nothing, which the
   * matcher reports (see {@code VulnerabilityMatcher#uncovered}).
   */
  public boolean holdsEcosystem(String ecosystem) throws IOException {
    Boolean known = ecosystemsHeld.get(ecosystem);
    if (known != null) {
      return known;
    }
    try {
      boolean held =
          read(
              r -> {
                try (PreparedStatement q =
                    r.connection.prepareStatement(
                        "SELECT 1 FROM affected WHERE ecosystem=? LIMIT 1")) {
                  q.setString(1, ecosystem);
                  try (ResultSet rs = q.executeQuery()) {
                    return rs.next();
                  }
                }
              });
      ecosystemsHeld.put(ecosystem, held);
      return held;
    } catch (SQLException e) {
      throw new IOException("cannot read the ecosystems of " + file + ": " + e.getMessage(), e);
    }
  }

  /** The advisory with a row key from an {@link AffectedEntry}. */
  public Advisory advisory(long key) throws IOException {
    Advisory cached = advisoryCache.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      Advisory result = read(r -> advisory(r, key));
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

  private Advisory advisory(Reader r, long key) throws SQLException, IOException {
    r.advisory.setLong(1, key);
    {
      try (ResultSet rs = r.advisory.executeQuery()) {
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
        return new Advisory(
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
  public Map<String, SortedSet<String>> mavenGroups(Collection<String> artifactIds)
      throws IOException {
    Map<String, SortedSet<String>> byArtifact = mavenGroupsByArtifact;
    if (byArtifact == null) {
      // two first callers may both read them: the same answer, kept once
      try {
        byArtifact =
            read(
                r -> {
                  Map<String, SortedSet<String>> all = new HashMap<>();
                  try (PreparedStatement q =
                      r.connection.prepareStatement(
                          "SELECT DISTINCT name FROM affected WHERE ecosystem=?")) {
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
                  }
                  return all;
                });
      } catch (SQLException e) {
        throw new IOException(
            "cannot read the Maven package names from " + file + ": " + e.getMessage(), e);
      }
      mavenGroupsByArtifact = byArtifact;
    }
    Map<String, SortedSet<String>> out = new HashMap<>();
    for (String a : artifactIds) {
      SortedSet<String> groups = byArtifact.get(a);
      if (groups != null) {
        out.put(a, Collections.unmodifiableSortedSet(groups));
      }
    }
    return out;
  }

  /** True when the id is in the known-exploited catalogue. */
  public boolean knownExploited(String id) throws IOException {
    try {
      java.util.Set<String> known = knownExploitedIds;
      if (known == null) {
        // the catalogue is small (about a thousand CVEs): one read, then set lookups
        known =
            read(
                r -> {
                  java.util.Set<String> ids = new java.util.HashSet<>();
                  try (Statement s = r.connection.createStatement();
                      ResultSet rs = s.executeQuery("SELECT cve FROM kev")) {
                    while (rs.next()) {
                      ids.add(rs.getString(1));
                    }
                  }
                  return ids;
                });
        knownExploitedIds = known;
      }
      return known.contains(id);
    } catch (SQLException e) {
      throw new IOException(
          "cannot read known-exploited data from " + file + ": " + e.getMessage(), e);
    }
  }

  private volatile Boolean hasEpss;

  /**
   * The EPSS score of a CVE, if an EPSS feed was built in and scores it. A database built before
   * the epss table existed has none.
   */
  public Optional<dev.sekisho.scanner.model.EpssScore> epss(String cve) throws IOException {
    try {
      Boolean has = hasEpss;
      if (has == null) {
        has =
            read(
                r -> {
                  try (Statement s = r.connection.createStatement();
                      ResultSet rs =
                          s.executeQuery(
                              "SELECT count(*) FROM sqlite_master WHERE type='table'"
                                  + " AND name='epss'")) {
                    return rs.next() && rs.getInt(1) > 0;
                  }
                });
        hasEpss = has;
      }
      if (!has) {
        return Optional.empty();
      }
      return read(
          r -> {
            try (PreparedStatement p =
                r.connection.prepareStatement("SELECT score, percentile FROM epss WHERE cve=?")) {
              p.setString(1, cve);
              try (ResultSet rs = p.executeQuery()) {
                return rs.next()
                    ? Optional.of(
                        new dev.sekisho.scanner.model.EpssScore(rs.getDouble(1), rs.getDouble(2)))
                    : Optional.<dev.sekisho.scanner.model.EpssScore>empty();
              }
            }
          });
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
  public Optional<CvssData> cvss(String cve) throws IOException {
    try {
      return read(
          r -> {
            r.cvss.setString(1, cve);
            try (ResultSet rs = r.cvss.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              double score = rs.getDouble(2);
              return Optional.of(new CvssData(rs.getString(1), rs.wasNull() ? null : score));
            }
          });
    } catch (SQLException e) {
      throw new IOException("cannot read CVSS data from " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    SQLException failed = null;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      // connections in use are closed when given back
      for (Reader reader : idle) {
        try {
          reader.connection.close();
        } catch (SQLException e) {
          failed = e;
        }
        readers.remove(reader);
      }
      idle.clear();
      lock.notifyAll();
    }
    if (failed != null) {
      throw new IOException("cannot close " + file + ": " + failed.getMessage(), failed);
    }
  }
}
