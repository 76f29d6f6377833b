package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.cvss.Cvss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes OSV records and enrichment data into a new database file. Used by {@link DatabaseUpdater},
 * which builds into a temporary file and renames it into place; use it directly only to build a
 * file that nothing reads yet.
 *
 * <p>Records are inserted in one transaction with journaling off (the file is not live while it is
 * built); the lookup index is created at the end. A record id seen before (the same advisory in two
 * ecosystem archives) is skipped; withdrawn records are skipped.
 */
public final class DatabaseBuilder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBuilder.class);

  private final Path file;
  private final Connection db;
  private final PreparedStatement insertAdvisory;
  private final PreparedStatement insertAffected;
  private final PreparedStatement insertKev;
  private final PreparedStatement insertEpss;
  private final PreparedStatement upsertCvss;
  private final PreparedStatement insertSource;
  private final Set<String> seen = new HashSet<>();
  private long advisoryKey;
  private long advisories;
  private long affected;
  private boolean finished;

  private DatabaseBuilder(Path file, Connection db) throws SQLException {
    this.file = file;
    this.db = db;
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=OFF");
      s.execute("PRAGMA synchronous=OFF");
      s.execute("PRAGMA page_size=4096");
      for (String ddl : Schema.CREATE) {
        s.execute(ddl);
      }
    }
    db.setAutoCommit(false);
    insertAdvisory = db.prepareStatement("INSERT INTO advisory(k, id, data) VALUES (?, ?, ?)");
    insertAffected =
        db.prepareStatement(
            "INSERT INTO affected(ecosystem, name, advisory, data) VALUES (?,?,?,?)");
    insertKev = db.prepareStatement("INSERT OR IGNORE INTO kev(cve) VALUES (?)");
    insertEpss =
        db.prepareStatement("INSERT OR REPLACE INTO epss(cve, score, percentile) VALUES (?, ?, ?)");
    // a row replaces the one before unless that one is preferred (see cvssPreference)
    upsertCvss =
        db.prepareStatement(
            "INSERT INTO cvss(cve, vector, score, preference) VALUES (?,?,?,?) ON CONFLICT(cve)"
                + " DO UPDATE SET vector=excluded.vector, score=excluded.score,"
                + " preference=excluded.preference WHERE excluded.preference >= cvss.preference");
    insertSource =
        db.prepareStatement(
            "INSERT INTO source(kind, location, digest, records, etag) VALUES (?,?,?,?,?)");
  }

  /**
   * Creates a new, empty database file.
   *
   * @throws IOException when the file exists already or cannot be created
   */
  public static DatabaseBuilder create(Path file) throws IOException {
    if (Files.exists(file)) {
      throw new IOException("cannot build vulnerability database " + file + ": file exists");
    }
    try {
      return new DatabaseBuilder(file, DriverManager.getConnection("jdbc:sqlite:" + file));
    } catch (SQLException e) {
      throw new IOException(
          "cannot create vulnerability database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds one OSV record.
   *
   * @return false when it was skipped (withdrawn, no id, no usable affected entry, or seen before)
   */
  public boolean add(OsvRecord r) throws IOException {
    if (r.id() == null || r.withdrawn() != null || !seen.add(r.id())) {
      return false;
    }
    Severity recordDistroRating = null;
    for (OsvRecord.Severity s : r.severity()) {
      if ("Ubuntu".equalsIgnoreCase(s.type())) {
        recordDistroRating = Ratings.fromWord(s.score());
      }
    }
    String bestVector = null;
    Double bestScore = null;
    List<OsvRecord.Severity> all = new ArrayList<>(r.severity());
    r.affected().forEach(a -> all.addAll(a.severity()));
    for (OsvRecord.Severity s : all) {
      if (s.type() == null || !s.type().startsWith("CVSS_V") || s.score() == null) {
        continue;
      }
      Double score = Cvss.baseScore(s.score()).orElse(null);
      if (Cvss.preferred(s.score(), score, bestVector, bestScore)) {
        bestVector = s.score();
        bestScore = score;
      }
    }
    Severity rated = null;
    if (r.databaseSpecific() != null && r.databaseSpecific().get("severity") != null) {
      rated = Ratings.fromWord(r.databaseSpecific().get("severity").asText());
    }
    if (rated == null) {
      rated = recordDistroRating;
    }
    long key = ++advisoryKey;
    int rows = 0;
    try {
      for (OsvRecord.Affected a : r.affected()) {
        if (a.pkg() == null || a.pkg().ecosystem() == null || a.pkg().name() == null) {
          continue;
        }
        List<OsvRecord.Range> ranges =
            a.ranges().stream()
                .filter(x -> "ECOSYSTEM".equals(x.type()) || "SEMVER".equals(x.type()))
                .toList();
        if (ranges.isEmpty() && a.versions().isEmpty()) {
          continue;
        }
        String eco = EcosystemKeys.ecosystemKey(a.pkg().ecosystem());
        Severity distro = Ratings.fromSpecific(a.ecosystemSpecific(), a.databaseSpecific());
        if (distro == null && isDistro(eco)) {
          distro = recordDistroRating;
        }
        boolean wontFix = Ratings.wontFix(a.ecosystemSpecific(), a.databaseSpecific());
        insertAffected.setString(1, eco);
        insertAffected.setString(2, EcosystemKeys.nameKey(eco, a.pkg().name()));
        insertAffected.setLong(3, key);
        insertAffected.setBytes(
            4,
            RowCodec.encodeAffected(
                ranges,
                a.versions(),
                distro,
                wontFix,
                "Go".equals(eco) ? goPlatforms(a.ecosystemSpecific()) : List.of(),
                "Go".equals(eco) ? goImports(a.ecosystemSpecific()) : List.of()));
        insertAffected.addBatch();
        rows++;
      }
      if (rows == 0) {
        return false;
      }
      Set<String> aliases = new LinkedHashSet<>(r.aliases());
      aliases.addAll(r.upstream());
      aliases.addAll(r.related());
      aliases.remove(r.id());
      String summary = r.summary();
      if ((summary == null || summary.isBlank()) && r.details() != null) {
        String d = r.details().strip();
        int nl = d.indexOf('\n');
        summary = nl > 0 ? d.substring(0, nl) : d;
        summary = summary.length() > 200 ? summary.substring(0, 200) + "…" : summary;
      }
      List<String> refs =
          r.references().stream().map(OsvRecord.Reference::url).filter(u -> u != null).toList();
      insertAdvisory.setLong(1, key);
      insertAdvisory.setString(2, r.id());
      insertAdvisory.setBytes(
          3,
          RowCodec.encodeAdvisory(
              new RowCodec.StoredAdvisory(
                  List.copyOf(aliases),
                  summary,
                  instant(r.published()),
                  instant(r.modified()),
                  bestVector,
                  bestScore,
                  rated,
                  refs)));
      insertAdvisory.addBatch();
      if (bestVector != null && r.id().startsWith("CVE-")) {
        // an OSV record for the CVE itself is CVSS data for distro records without severity
        addCvssRow(r.id(), bestVector, bestScore);
      }
      advisories++;
      affected += rows;
      if (advisories % 5000 == 0) {
        flush();
      }
      return true;
    } catch (SQLException e) {
      throw new IOException(
          "cannot store advisory " + r.id() + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /** An OSV timestamp (RFC 3339), or null when absent or malformed. */
  private static Instant instant(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean isDistro(String ecosystem) {
    return switch (EcosystemKeys.baseEcosystem(ecosystem)) {
      case "Debian",
          "Ubuntu",
          "Alpine",
          "Red Hat",
          "Rocky Linux",
          "AlmaLinux",
          "SUSE",
          "openSUSE",
          "Wolfi",
          "Chainguard" ->
          true;
      default -> false;
    };
  }

  private void flush() throws SQLException {
    insertAffected.executeBatch();
    insertAdvisory.executeBatch();
    upsertCvss.executeBatch();
  }

  /** Stores EPSS scores (a later feed's score of a CVE replaces an earlier one's). */
  public void addEpss(List<EnrichmentFeeds.EpssRow> rows) throws IOException {
    try {
      for (EnrichmentFeeds.EpssRow r : rows) {
        insertEpss.setString(1, r.cve());
        insertEpss.setDouble(2, r.score());
        insertEpss.setDouble(3, r.percentile());
        insertEpss.addBatch();
      }
      insertEpss.executeBatch();
    } catch (SQLException e) {
      throw new IOException("cannot store EPSS scores in " + file + ": " + e.getMessage(), e);
    }
  }

  /** Marks CVE ids as known exploited (CISA KEV). */
  public void addKnownExploited(Iterable<String> cves) throws IOException {
    try {
      for (String c : cves) {
        insertKev.setString(1, c);
        insertKev.addBatch();
      }
      insertKev.executeBatch();
    } catch (SQLException e) {
      throw new IOException(
          "cannot store known-exploited ids in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records CVSS data for a CVE from an enrichment feed. Of several vectors for one CVE (from OSV
   * records whose id is the CVE, added before, and from feeds) the one of the newest CVSS version
   * is kept, a scored one over an unscored one; among equals the later call wins, so a feed
   * overrides an OSV record and a later feed an earlier one.
   */
  public void addCvss(String cve, String vector, Double score) throws IOException {
    try {
      addCvssRow(cve, vector, score);
    } catch (SQLException e) {
      throw new IOException(
          "cannot store CVSS data for " + cve + " in " + file + ": " + e.getMessage(), e);
    }
  }

  private void addCvssRow(String cve, String vector, Double score) throws SQLException {
    upsertCvss.setString(1, cve);
    upsertCvss.setString(2, vector);
    if (score == null) {
      upsertCvss.setNull(3, java.sql.Types.REAL);
    } else {
      upsertCvss.setDouble(3, score);
    }
    upsertCvss.setInt(4, cvssPreference(vector, score));
    upsertCvss.addBatch();
  }

  /**
   * The order of preference of a CVE's CVSS rows ({@link Cvss#preferred} without its score
   * comparison): the CVSS major version of a scored vector, 0 for an unscored one.
   */
  private static int cvssPreference(String vector, Double score) {
    return score == null ? 0 : Cvss.version(vector);
  }

  /** Records a source in the metadata. */
  public void addSource(DatabaseInfo.Source source) throws IOException {
    try {
      insertSource.setString(1, source.kind());
      insertSource.setString(2, source.location());
      insertSource.setString(3, source.digest());
      insertSource.setLong(4, source.records());
      insertSource.setString(5, source.etag());
      insertSource.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("cannot record source " + source.location() + ": " + e.getMessage(), e);
    }
  }

  /** Advisories stored so far. */
  public long advisories() {
    return advisories;
  }

  /**
   * Writes the metadata, builds the indexes, commits and closes the file. The caller fsyncs and
   * renames it.
   */
  public void finish(Instant builtAt) throws IOException {
    try {
      flush();
      try (Statement s = db.createStatement()) {
        for (String ddl : Schema.INDEXES) {
          s.execute(ddl);
        }
      }
      try (PreparedStatement meta =
          db.prepareStatement("INSERT INTO meta(key, value) VALUES (?,?)")) {
        String[][] rows = {
          {"schema_version", Integer.toString(Schema.VERSION)},
          {"built_at", builtAt.toString()},
          {"advisories", Long.toString(advisories)},
          {"affected", Long.toString(affected)},
        };
        for (String[] row : rows) {
          meta.setString(1, row[0]);
          meta.setString(2, row[1]);
          meta.executeUpdate();
        }
      }
      db.commit();
      finished = true;
      LOG.info(
          "built vulnerability database file={} advisories={} affected={}",
          file,
          advisories,
          affected);
    } catch (SQLException e) {
      throw new IOException(
          "cannot finish vulnerability database " + file + ": " + e.getMessage(), e);
    } finally {
      close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (!db.isClosed()) {
        if (!finished) {
          db.rollback();
        }
        db.close();
      }
    } catch (SQLException e) {
      throw new IOException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The platforms of an affected entry's Go imports ({@code ecosystem_specific.imports[].goos},
   * {@code goarch}); empty (every platform) when there is no import or one import is not limited,
   * since that import then applies everywhere.
   */
  static List<AffectedEntry.Platform> goPlatforms(JsonNode ecosystemSpecific) {
    JsonNode imports = ecosystemSpecific == null ? null : ecosystemSpecific.get("imports");
    if (imports == null || !imports.isArray() || imports.isEmpty()) {
      return List.of();
    }
    List<AffectedEntry.Platform> out = new ArrayList<>();
    for (JsonNode i : imports) {
      AffectedEntry.Platform p =
          new AffectedEntry.Platform(textList(i.get("goos")), textList(i.get("goarch")));
      if (p.goos().isEmpty() && p.goarch().isEmpty()) {
        return List.of();
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * An affected entry's Go imports ({@code ecosystem_specific.imports[]}: {@code path}, {@code
   * symbols}, {@code goos}, {@code goarch}); imports without a path are skipped.
   */
  static List<AffectedEntry.GoImport> goImports(JsonNode ecosystemSpecific) {
    JsonNode imports = ecosystemSpecific == null ? null : ecosystemSpecific.get("imports");
    if (imports == null || !imports.isArray()) {
      return List.of();
    }
    List<AffectedEntry.GoImport> out = new ArrayList<>();
    for (JsonNode i : imports) {
      JsonNode path = i.get("path");
      if (path == null || !path.isTextual() || path.asText().isEmpty()) {
        continue;
      }
      out.add(
          new AffectedEntry.GoImport(
              path.asText(),
              textList(i.get("symbols")),
              new AffectedEntry.Platform(textList(i.get("goos")), textList(i.get("goarch")))));
    }
    return out;
  }

  private static List<String> textList(JsonNode n) {
    if (n == null || !n.isArray()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode x : n) {
      if (x.isTextual() && !x.asText().isEmpty()) {
        out.add(x.asText());
      }
    }
    return out;
  }
}
