package dev.sekisho.scanner.analyzer.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.layer.LayerResult;
import dev.sekisho.scanner.layer.LayerWalker;
import dev.sekisho.scanner.layer.SpillLimits;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpm databases an image could carry to hang the scan, fill the disk or run code: each must end in
 * bounded time with a warning naming the file and the problem, and leave no temporary file behind.
 * The SQLite files are written by SQLite itself at test time; the BerkeleyDB and NDB files are laid
 * out by hand, following the formats RpmDatabases reads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RpmHostileDatabaseTest {
  private static final String RPMDB = "var/lib/rpm/rpmdb.sqlite";

  @TempDir Path temp;

  private final RpmAnalyzer analyzer = new RpmAnalyzer();

  @Test
  void aPackagesViewWithAnEndlessRecursiveQueryIsRefusedAndLeavesNoTemporaryFile()
      throws Exception {
    Path db =
        sqlite(
            "CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS"
                + " (SELECT 1, zeroblob(1000) UNION ALL SELECT hnum + 1, blob FROM r)"
                + " SELECT hnum, blob FROM r ORDER BY hnum");
    Path spill = Files.createDirectory(temp.resolve("spill"));

    LayerResult layer = walk(db, spill);

    assertThat(layer.files().get(RPMDB).packages()).isEmpty();
    assertThat(layer.files().get(RPMDB).warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith("cannot parse " + RPMDB + " in layer sha256:")
                    .contains("Packages is a view, not a table"));
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).as("temporary copies are deleted").isEmpty();
    }
  }

  @Test
  void aTriggerOnPackagesIsRefused() throws Exception {
    Path db =
        sqlite(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
            "CREATE TABLE log (x)",
            "CREATE TRIGGER t AFTER INSERT ON Packages BEGIN INSERT INTO log VALUES (1); END");
    insert(db, header("demo", "1.0"));

    AnalysisResult result = FixtureInput.of(RPMDB, db).analyzeWith(analyzer);

    assertThat(result.packages()).isEmpty();
    assertThat(messages(result)).singleElement().asString().contains("1 trigger(s)");
  }

  @Test
  void generatedColumnsAndVirtualTablesAreRefused() throws Exception {
    Path generated =
        sqlite(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY,"
                + " blob AS (zeroblob(1000000000)) VIRTUAL)");
    assertThat(messages(FixtureInput.of(RPMDB, generated).analyzeWith(analyzer)))
        .singleElement()
        .asString()
        .contains("generated or hidden columns");

    Path virtual = sqlite("CREATE VIRTUAL TABLE Packages USING fts5(blob)");
    assertThat(messages(FixtureInput.of(RPMDB, virtual).analyzeWith(analyzer)))
        .singleElement()
        .asString()
        .contains("Packages is a virtual table");
  }

  @Test
  void aHeaderOverTheSizeLimitStopsTheReadAfterThePackagesBeforeIt() throws Exception {
    Path db =
        sqlite(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
    insert(db, header("before", "1.0"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO Packages (blob) VALUES (zeroblob("
              + (RpmDatabases.MAX_HEADER_BYTES + 1)
              + "))");
    }
    insert(db, header("after", "1.0"));

    AnalysisResult result = FixtureInput.of(RPMDB, db).analyzeWith(analyzer);

    assertThat(result.packages()).extracting(Package::name).containsExactly("before");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("after row 1: a header is larger than the limit of " + (64 << 20) + " bytes");
  }

  @Test
  void aRunawayQueryIsStoppedByTheStepBudget() throws Exception {
    Path db = sqlite("CREATE TABLE t (x)");
    List<byte[]> seen = new ArrayList<>();
    assertThatThrownBy(
            () ->
                RpmDatabases.readSqlite(
                    db,
                    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
                        + " SELECT x'00' FROM r WHERE x < 0",
                    seen::add))
        .isInstanceOf(RpmDatabases.DatabaseException.class)
        .hasMessageContaining("more than " + RpmDatabases.MAX_SQLITE_STEPS + " SQLite steps");
    assertThat(seen).isEmpty();
  }

  /** rpm's databases are in WAL mode; read-only SQLite would still make a -shm file beside one. */
  @Test
  void theDatabaseFileIsNeitherWrittenNorJoinedByAJournal() throws Exception {
    Path db =
        sqlite(
            "PRAGMA journal_mode = WAL",
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
    insert(db, header("demo", "2.0"));
    byte[] before = Files.readAllBytes(db);
    List<byte[]> seen = new ArrayList<>();

    RpmDatabases.readSqlite(db, seen::add);

    assertThat(seen).hasSize(1);
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    try (Stream<Path> files = Files.list(db.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith("-journal") || n.endsWith("-wal") || n.endsWith("-shm"));
    }
  }

  @Test
  void theSqliteCopyIsUnderTheTemporaryCopyLimit() throws Exception {
    Path db =
        sqlite(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
    insert(db, header("demo", "1.0"));
    long size = Files.size(db);
    byte[] blob = new TarBuilder().file(RPMDB, Files.readAllBytes(db), 0644).tar();
    Path spill = Files.createDirectory(temp.resolve("spill"));

    LayerResult layer =
        new LayerWalker(List.of(analyzer), 1024, spill, new SpillLimits(size - 1, 1 << 30))
            .walk("sha256:" + "c".repeat(64), () -> new ByteArrayInputStream(blob));

    assertThat(layer.limited()).isTrue();
    assertThat(layer.files().get(RPMDB).packages()).isEmpty();
    assertThat(layer.files().get(RPMDB).warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith("not analysed by rpm: the file is ")
                    .contains("(" + size + " bytes), over the ")
                    .contains("-Dsekisho.temp.maxFile="));
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void ndbSlotsThatAllPointAtOneBlobStopAtTheFileSize() throws IOException {
    byte[] blob = header("same", "1.0");
    int slotPage = 4096;
    int blocks = (16 + blob.length + 15) / 16;
    ByteBuffer b = ByteBuffer.allocate(slotPage + blocks * 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt('R' | 'p' << 8 | 'm' << 16 | 'P' << 24).putInt(0).putInt(1).putInt(1);
    b.position(32);
    while (b.position() < slotPage) { // every slot: package 1, the one blob after the slot page
      b.putInt('S' | 'l' << 8 | 'o' << 16 | 't' << 24)
          .putInt(1)
          .putInt(slotPage / 16)
          .putInt(blocks);
    }
    b.putInt('B' | 'l' << 8 | 'b' << 16 | 'S' << 24).putInt(1).putInt(1).putInt(blob.length);
    b.put(blob);

    AnalysisResult result =
        FixtureInput.of("usr/lib/sysimage/rpm/Packages.db", b.array()).analyzeWith(analyzer);

    assertThat(result.packages().size()).isLessThan(b.capacity() / blob.length + 1);
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("the headers add up to more bytes than the database file has");
  }

  @Test
  void berkeleyDbItemsThatShareAnOverflowChainAreRefused() throws IOException {
    int pageSize = 512;
    ByteBuffer db = ByteBuffer.allocate(3 * pageSize).order(ByteOrder.LITTLE_ENDIAN);
    // page 0: hash metadata
    db.putInt(12, 0x061561).putInt(20, pageSize).put(24, (byte) 0).put(25, (byte) 8);
    db.putInt(32, 2); // last page
    // page 1: a hash page with two key/data pairs whose data items are the same overflow chain
    int p1 = pageSize;
    db.put(p1 + 25, (byte) 13).putShort(p1 + 20, (short) 4);
    int[] offsets = {507, 495, 490, 478}; // key 0, data 0, key 1, data 1 (items grow downwards)
    byte[] blob = header("shared", "1.0");
    for (int i = 0; i < 4; i++) {
      db.putShort(p1 + 26 + 2 * i, (short) offsets[i]);
      int at = p1 + offsets[i];
      if (i % 2 == 0) {
        db.put(at, (byte) 1).putInt(at + 1, i + 1); // H_KEYDATA key
      } else {
        db.put(at, (byte) 3).putInt(at + 4, 2).putInt(at + 8, blob.length); // H_OFFPAGE → page 2
      }
    }
    // page 2: the overflow page holding the blob
    int p2 = 2 * pageSize;
    db.put(p2 + 25, (byte) 7).putShort(p2 + 22, (short) blob.length).putInt(p2 + 16, 0);
    db.put(p2 + 26, blob);

    AnalysisResult result =
        FixtureInput.of("var/lib/rpm/Packages", db.array()).analyzeWith(analyzer);

    assertThat(result.packages()).extracting(Package::name).containsExactly("shared");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("broken overflow chain at page 2");
  }

  private LayerResult walk(Path db, Path spill) throws IOException {
    byte[] blob = new TarBuilder().file(RPMDB, Files.readAllBytes(db), 0644).gzip();
    return new LayerWalker(List.of(analyzer), LayerWalker.DEFAULT_MEMORY_LIMIT, spill)
        .walk("sha256:" + "a".repeat(64), () -> new ByteArrayInputStream(blob));
  }

  private static List<String> messages(AnalysisResult result) {
    return result.warnings().stream().map(ScanWarning::message).toList();
  }

  /** A new SQLite database made by these statements. */
  private Path sqlite(String... statements) throws Exception {
    Path dir = Files.createTempDirectory(temp, "db");
    Path db = dir.resolve("rpmdb.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
    return db;
  }

  private static void insert(Path db, byte[] blob) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement s = c.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
      s.setBytes(1, blob);
      s.execute();
    }
  }

  /** The smallest rpm header blob RpmHeader reads: NAME and VERSION. */
  static byte[] header(String name, String version) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] v = (version + "\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + 32 + n.length + v.length); // big-endian
    b.putInt(2).putInt(n.length + v.length);
    b.putInt(RpmHeader.NAME).putInt(6).putInt(0).putInt(1);
    b.putInt(RpmHeader.VERSION).putInt(6).putInt(n.length).putInt(1);
    b.put(n).put(v);
    return b.array();
  }
}
