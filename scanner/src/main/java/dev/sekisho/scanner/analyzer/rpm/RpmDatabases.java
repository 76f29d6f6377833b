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
import org.sqlite.SQLiteConfig;

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

  /** rpmdb.sqlite: the blob column of table Packages. */
  static void readSqlite(Path file, Consumer<byte[]> blobs) throws DatabaseException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
      int row = 0;
      try {
        while (rs.next()) {
          row++;
          blobs.accept(rs.getBytes(2));
        }
      } catch (SQLException e) {
        throw new DatabaseException("after row " + row + ": " + e.getMessage());
      }
    } catch (SQLException e) {
      throw new DatabaseException(e.getMessage());
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
  static void readBerkeleyDb(SeekableByteChannel ch, Consumer<byte[]> blobs)
      throws IOException, DatabaseException {
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
          if (off + 12 > pageSize) {
            throw new DatabaseException(
                "page " + pgno + ": overflow item at offset " + off + " runs past the page");
          }
          long first = Integer.toUnsignedLong(page.getInt(off + 4));
          long length = Integer.toUnsignedLong(page.getInt(off + 8));
          blobs.accept(overflow(ch, order, pageSize, lastPage, first, length, pgno));
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
      long from)
      throws IOException, DatabaseException {
    if (length > 256L * 1024 * 1024 || length > ch.size()) {
      throw new DatabaseException("page " + from + ": overflow item of " + length + " bytes");
    }
    byte[] out = new byte[(int) length];
    int filled = 0;
    long pgno = first;
    // a chain visiting more pages than the file has goes round in a cycle
    long pages = Math.min(lastPage, ch.size() / pageSize);
    long hops = 0;
    while (pgno != 0 && filled < out.length) {
      if (pgno > lastPage || ++hops > pages) {
        throw new DatabaseException("page " + from + ": broken overflow chain at page " + pgno);
      }
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
  static void readNdb(SeekableByteChannel ch, Consumer<byte[]> blobs)
      throws IOException, DatabaseException {
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
      if (len > 256L * 1024 * 1024) {
        throw new DatabaseException("package " + pkgIdx + ": blob of " + len + " bytes");
      }
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
