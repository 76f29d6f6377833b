package dev.sekisho.scanner.analyzer.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * Reads the header blobs out of the three rpmdb back ends. Each reader hands every blob it can read
 * to a consumer and reports the first structural problem it meets, so a damaged database still
 * yields the packages before the damage.
 *
 * <p>The BerkeleyDB and NDB readers are hand-written: there is no maintained pure-Java reader for
 * BerkeleyDB 5 hash files or for rpm's NDB format, and rpm needs only a tiny subset of each
 * (Trivy's go-rpmdb does the same). BerkeleyDB: walk every hash page, take each key/data pair's
 * data item, either on the page (H_KEYDATA) or in an overflow chain (H_OFFPAGE). NDB: a slot table
 * after the 32-byte header points at blobs, each after a 16-byte blob header.
 */
final class RpmDatabases {
  private RpmDatabases() {}

  /** A structural problem, with where it was met. */
  static final class DatabaseException extends Exception {
    DatabaseException(String message) {
      super(message);
    }
  }

  /** The most package headers read from one database (real ones have a few thousand). */
  static final int MAX_HEADERS = 100_000;

  /** The largest header blob (real ones are well under a megabyte). */
  static final int MAX_HEADER_BYTES = 64 << 20;

  /** SQLite virtual-machine steps for reading one database: a real one needs about 10 per row. */
  static final long MAX_SQLITE_STEPS = 20_000_000;

  /** Wall-clock bound on reading one SQLite database, behind the step budget. */
  static final java.time.Duration MAX_SQLITE_TIME = java.time.Duration.ofSeconds(10);

  private static final int STEPS_PER_CALLBACK = 1000;
  private static final int SQLITE_TOOBIG = 18;

  /**
   * Hands blobs to the consumer while counting them: at most {@link #MAX_HEADERS} headers of at
   * most {@link #MAX_HEADER_BYTES} each, and no more bytes in all than the database file has (each
   * header is stored once, so more means pages are shared: a corrupt or hostile file that would
   * otherwise make a small file read as terabytes).
   */
  static final class Headers {
    private final Consumer<byte[]> sink;
    private final long fileSize;
    private int count;
    private long bytes;

    Headers(Consumer<byte[]> sink, long fileSize) {
      this.sink = sink;
      this.fileSize = fileSize;
    }

    /** Checks a header's length before it is read. */
    void checkLength(long length) throws DatabaseException {
      if (length > MAX_HEADER_BYTES) {
        throw new DatabaseException(
            "header "
                + (count + 1)
                + " of "
                + length
                + " bytes (the limit is "
                + MAX_HEADER_BYTES
                + "): not read further");
      }
      if (bytes + length > fileSize) {
        throw new DatabaseException(
            "the headers add up to more bytes than the database file has ("
                + fileSize
                + "): corrupt or hostile, not read further");
      }
    }

    void accept(byte[] blob) throws DatabaseException {
      if (count >= MAX_HEADERS) {
        throw new DatabaseException(
            "more than " + MAX_HEADERS + " package headers: the rest are not read");
      }
      checkLength(blob.length);
      count++;
      bytes += blob.length;
      sink.accept(blob);
    }
  }

  /**
   * rpmdb.sqlite: the blob column of table Packages. The file comes from the image, so it is opened
   * read-only and immutable (SQLite writes nothing next to it), only an ordinary table named
   * Packages with no triggers, generated or hidden columns is read (a view or virtual table could
   * run any query), schema functions are untrusted, temporary storage is in memory, values are
   * limited to {@link #MAX_HEADER_BYTES} and reading stops after {@link #MAX_SQLITE_STEPS} steps of
   * SQLite's virtual machine or {@link #MAX_SQLITE_TIME}, whichever comes first. SQLite's heap
   * limits are not used: they are process-wide, and the vulnerability database shares the process.
   */
  static void readSqlite(Path file, Consumer<byte[]> blobs) throws DatabaseException {
    readSqlite(file, null, blobs);
  }

  /**
   * {@link #readSqlite(Path, Consumer)} with another query for the blobs (tests of the limits), or
   * with null for the checked Packages table.
   */
  static void readSqlite(Path file, String query, Consumer<byte[]> blobs) throws DatabaseException {
    long size;
    try {
      size = java.nio.file.Files.size(file);
    } catch (IOException e) {
      throw new DatabaseException(e.getMessage());
    }
    Headers headers = new Headers(blobs, size);
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    String url = "jdbc:sqlite:" + file.toUri() + "?mode=ro&immutable=1";
    Budget budget = new Budget();
    int row = 0;
    try (Connection c = config.createConnection(url)) {
      ((SQLiteConnection) c).setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, MAX_HEADER_BYTES);
      ((SQLiteConnection) c).setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
      ProgressHandler.setHandler(c, STEPS_PER_CALLBACK, budget);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
        s.execute("PRAGMA trusted_schema = OFF");
        s.execute("PRAGMA temp_store = MEMORY");
        s.execute("PRAGMA cell_size_check = ON");
        s.execute("PRAGMA mmap_size = 0");
        s.execute("PRAGMA cache_size = -8192"); // KiB
        if (query == null) {
          checkPackagesTable(s);
        }
        try (ResultSet rs =
            s.executeQuery(query == null ? "SELECT blob FROM main.Packages" : query)) {
          while (rs.next()) {
            row++;
            byte[] blob = rs.getBytes(1);
            headers.accept(blob == null ? new byte[0] : blob);
          }
        }
      }
    } catch (SQLException e) {
      String why =
          budget.exceeded != null
              ? budget.exceeded
              : e.getErrorCode() == SQLITE_TOOBIG
                  ? "a header is larger than the limit of " + MAX_HEADER_BYTES + " bytes"
                  : e.getMessage();
      throw new DatabaseException(row == 0 ? why : "after row " + row + ": " + why);
    }
  }

  /** Refuses a Packages that is not an ordinary table that a plain SELECT reads as stored. */
  private static void checkPackagesTable(Statement s) throws SQLException, DatabaseException {
    String table = null;
    int triggers = 0;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT type, name, coalesce(sql, ''), rootpage FROM main.sqlite_schema"
                + " WHERE name = 'Packages' COLLATE NOCASE"
                + " OR (type = 'trigger' AND tbl_name = 'Packages' COLLATE NOCASE)")) {
      while (rs.next()) {
        String type = rs.getString(1);
        String sql = rs.getString(3).stripLeading().toUpperCase(java.util.Locale.ROOT);
        if (type.equals("trigger")) {
          triggers++;
        } else if (type.equals("table")
            && rs.getLong(4) > 0 // a virtual table has no b-tree of its own
            && !sql.startsWith("CREATE VIRTUAL")) {
          table = rs.getString(2);
        } else {
          throw new DatabaseException(
              "Packages is "
                  + (type.equals("table")
                      ? "a virtual table"
                      : type.equals("index") ? "an index" : "a " + type)
                  + ", not a table: refusing a database that could run a query of its own");
        }
      }
    }
    if (table == null) {
      throw new DatabaseException("no table Packages");
    }
    if (triggers > 0) {
      throw new DatabaseException(
          "table Packages has " + triggers + " trigger(s): refusing a database that runs code");
    }
    try (ResultSet rs =
        s.executeQuery(
            "SELECT count(*) FROM pragma_table_xinfo('Packages', 'main') WHERE hidden <> 0")) {
      if (rs.next() && rs.getInt(1) > 0) {
        throw new DatabaseException(
            "table Packages has generated or hidden columns: refusing a database that computes"
                + " its values");
      }
    }
  }

  /** Interrupts SQLite after {@link #MAX_SQLITE_STEPS} steps or {@link #MAX_SQLITE_TIME}. */
  private static final class Budget extends ProgressHandler {
    private final long deadline = System.nanoTime() + MAX_SQLITE_TIME.toNanos();
    private long steps;
    String exceeded;

    @Override
    protected int progress() {
      steps += STEPS_PER_CALLBACK;
      if (steps > MAX_SQLITE_STEPS) {
        exceeded =
            "reading took more than "
                + MAX_SQLITE_STEPS
                + " SQLite steps (a real rpm database needs about ten per package): stopped";
        return 1;
      }
      if (System.nanoTime() - deadline > 0) {
        exceeded = "reading took longer than " + MAX_SQLITE_TIME.toSeconds() + " s: stopped";
        return 1;
      }
      return 0;
    }
  }

  // --- BerkeleyDB hash (db_page.h) ---
  private static final int HASH_MAGIC = 0x061561;
  private static final int P_OVERFLOW = 7;
  private static final int P_HASHMETA = 8;
  private static final int P_HASH_UNSORTED = 2;
  private static final int P_HASH = 13;
  private static final int H_KEYDATA = 1;
  private static final int H_OFFPAGE = 3;
  private static final int PAGE_HEADER = 26;

  /** Packages (BerkeleyDB hash): the data item of every key/data pair on every hash page. */
  static void readBerkeleyDb(SeekableByteChannel ch, Consumer<byte[]> sink)
      throws IOException, DatabaseException {
    Headers blobs = new Headers(sink, ch.size());
    ByteBuffer meta = read(ch, 0, 512);
    if (meta == null) {
      throw new DatabaseException("shorter than the metadata page");
    }
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    if (meta.order(order).getInt(12) != HASH_MAGIC) {
      order = ByteOrder.BIG_ENDIAN;
      if (meta.order(order).getInt(12) != HASH_MAGIC) {
        throw new DatabaseException("not a BerkeleyDB hash database (magic)");
      }
    }
    meta.order(order);
    int pageSize = meta.getInt(20);
    if (meta.get(24) != 0) {
      throw new DatabaseException("encrypted BerkeleyDB databases are not supported");
    }
    if (meta.get(25) != P_HASHMETA) {
      throw new DatabaseException("first page is not a hash metadata page");
    }
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new DatabaseException("bad page size " + pageSize);
    }
    long lastPage = Integer.toUnsignedLong(meta.getInt(32));
    // every overflow page belongs to one item: one visited twice means chains are shared or loop
    java.util.BitSet overflowSeen = new java.util.BitSet();
    for (long pgno = 1; pgno <= lastPage; pgno++) {
      ByteBuffer page = read(ch, pgno * pageSize, pageSize);
      if (page == null) {
        throw new DatabaseException("page " + pgno + " of " + lastPage + " is missing (truncated)");
      }
      page.order(order);
      int type = page.get(25);
      if (type != P_HASH && type != P_HASH_UNSORTED) {
        continue;
      }
      int entries = Short.toUnsignedInt(page.getShort(20));
      if (PAGE_HEADER + 2 * entries > pageSize) {
        throw new DatabaseException("page " + pgno + ": bad entry count " + entries);
      }
      for (int i = 1; i < entries; i += 2) { // odd index entries are the data items
        int off = Short.toUnsignedInt(page.getShort(PAGE_HEADER + 2 * i));
        int end = Short.toUnsignedInt(page.getShort(PAGE_HEADER + 2 * (i - 1)));
        if (off >= pageSize || end > pageSize || end <= off) {
          throw new DatabaseException("page " + pgno + ": bad item offset " + off);
        }
        int itemType = page.get(off);
        if (itemType == H_KEYDATA) {
          byte[] data = new byte[end - off - 1];
          page.get(off + 1, data);
          if (data.length >= 8) { // key 0 holds rpm's 4-byte instance counter
            blobs.accept(data);
          }
        } else if (itemType == H_OFFPAGE) {
          long first = Integer.toUnsignedLong(page.getInt(off + 4));
          long length = Integer.toUnsignedLong(page.getInt(off + 8));
          blobs.checkLength(length);
          blobs.accept(overflow(ch, order, pageSize, lastPage, first, length, pgno, overflowSeen));
        }
      }
    }
  }

  private static byte[] overflow(
      SeekableByteChannel ch,
      ByteOrder order,
      int pageSize,
      long lastPage,
      long first,
      long length,
      long from,
      java.util.BitSet seen)
      throws IOException, DatabaseException {
    // an item cannot be larger than the file that holds it: checked before allocating, so a
    // corrupt length costs no memory
    if (length > 256L * 1024 * 1024 || length > ch.size()) {
      throw new DatabaseException(
          "page "
              + from
              + ": overflow item of "
              + length
              + " bytes in a file of "
              + ch.size()
              + " bytes");
    }
    byte[] out = new byte[(int) length];
    int filled = 0;
    long pgno = first;
    int hops = 0;
    while (pgno != 0 && filled < out.length) {
      if (pgno > lastPage || ++hops > lastPage) {
        throw new DatabaseException("page " + from + ": broken overflow chain at page " + pgno);
      }
      if (pgno >= ch.size() / pageSize) {
        throw new DatabaseException("overflow page " + pgno + " is missing (truncated)");
      }
      if (seen.get((int) pgno)) {
        throw new DatabaseException("page " + from + ": broken overflow chain at page " + pgno);
      }
      seen.set((int) pgno);
      ByteBuffer page = read(ch, pgno * pageSize, pageSize);
      if (page == null) {
        throw new DatabaseException("overflow page " + pgno + " is missing (truncated)");
      }
      page.order(order);
      if (page.get(25) != P_OVERFLOW) {
        throw new DatabaseException("page " + pgno + " is not an overflow page");
      }
      int used = Short.toUnsignedInt(page.getShort(22)); // hf_offset: bytes used on the page
      int n = Math.min(Math.min(used, pageSize - PAGE_HEADER), out.length - filled);
      page.get(PAGE_HEADER, out, filled, n);
      filled += n;
      pgno = Integer.toUnsignedLong(page.getInt(16));
    }
    if (filled != out.length) {
      throw new DatabaseException("page " + from + ": overflow chain ends early");
    }
    return out;
  }

  // --- NDB (rpm lib/backend/ndb/rpmpkg.c) ---
  private static final int NDB_MAGIC = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
  private static final int SLOT_MAGIC = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
  private static final int BLOB_MAGIC = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
  private static final int SLOT_PAGE = 4096;
  private static final int BLOCK = 16;

  /** Packages.db (NDB): the blob of every used slot. */
  static void readNdb(SeekableByteChannel ch, Consumer<byte[]> sink)
      throws IOException, DatabaseException {
    Headers blobs = new Headers(sink, ch.size());
    ByteBuffer header = read(ch, 0, 32);
    if (header == null) {
      throw new DatabaseException("shorter than the NDB header");
    }
    header.order(ByteOrder.LITTLE_ENDIAN);
    if (header.getInt(0) != NDB_MAGIC || header.getInt(4) != 0) {
      throw new DatabaseException("not an rpm NDB database (magic or version)");
    }
    int slotPages = header.getInt(12);
    if (slotPages <= 0 || slotPages > 2048) {
      throw new DatabaseException("bad slot page count " + slotPages);
    }
    ByteBuffer slots = read(ch, 0, slotPages * SLOT_PAGE);
    if (slots == null) {
      throw new DatabaseException("slot pages are truncated");
    }
    slots.order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 32; at + 16 <= slots.limit(); at += 16) { // the first two slots are the header
      if (slots.getInt(at) != SLOT_MAGIC) {
        throw new DatabaseException("bad slot magic at offset " + at);
      }
      int pkgIdx = slots.getInt(at + 4);
      long blkOff = Integer.toUnsignedLong(slots.getInt(at + 8));
      if (pkgIdx == 0) {
        continue;
      }
      ByteBuffer blobHeader = read(ch, blkOff * BLOCK, 16);
      if (blobHeader == null) {
        throw new DatabaseException("package " + pkgIdx + ": blob beyond the end (truncated)");
      }
      blobHeader.order(ByteOrder.LITTLE_ENDIAN);
      if (blobHeader.getInt(0) != BLOB_MAGIC || blobHeader.getInt(4) != pkgIdx) {
        throw new DatabaseException("package " + pkgIdx + ": bad blob header");
      }
      long len = Integer.toUnsignedLong(blobHeader.getInt(12));
      blobs.checkLength(len);
      ByteBuffer blob = read(ch, blkOff * BLOCK + 16, (int) len);
      if (blob == null) {
        throw new DatabaseException("package " + pkgIdx + ": blob is truncated");
      }
      blobs.accept(blob.array());
    }
  }

  /** {@code n} bytes at {@code offset}, or null when the file ends first. */
  private static ByteBuffer read(SeekableByteChannel ch, long offset, int n) throws IOException {
    if (offset + n > ch.size()) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    ch.position(offset);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        return null;
      }
    }
    return b.flip();
  }
}
