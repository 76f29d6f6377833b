package dev.sekisho.scanner.analyzer.java;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The central directory of a zip archive read from a channel, and streams over the entries picked
 * from it.
 *
 * <p>Hand-written rather than Commons Compress's {@code ZipFile} (or the JDK's, which needs a file)
 * because the Java archive analyzer wants a handful of entries out of thousands in each of hundreds
 * of jars: this reads the directory's bytes once, tests names as bytes, and makes objects only for
 * the entries picked. {@code ZipFile} builds an entry, a decoded name and a map slot for every
 * entry, and is finalizable, so all of that outlived the first garbage collection and was copied
 * into the old generation (bench/RESULTS.md, 2026-12-03).
 *
 * <p>What is read: the end-of-central-directory record (with the archive comment after it), the
 * central directory, and, for a picked entry, its local header and data, stored or deflated. Data
 * before the archive (an executable jar's launch script) is allowed. ZIP64 archives, and
 * directories larger than the limit given, are not read here ({@link #read} returns null) and are
 * left to a streaming reader.
 */
final class ZipDirectory {
  private static final int END_SIGNATURE = 0x06054b50;
  private static final int END_SIZE = 22;
  private static final int ENTRY_SIGNATURE = 0x02014b50;
  private static final int ENTRY_SIZE = 46;
  private static final int LOCAL_SIGNATURE = 0x04034b50;
  private static final int LOCAL_SIZE = 30;
  private static final long ZIP64_MARK = 0xFFFFFFFFL;

  /** One entry picked from the directory. */
  record Entry(String name, int method, long compressedSize, long size, long localHeader) {}

  private final SeekableByteChannel channel;
  private final byte[] directory;
  private final int count;
  private final long directoryStart;
  private final long shift;

  private ZipDirectory(
      SeekableByteChannel channel, byte[] directory, int count, long directoryStart, long shift) {
    this.channel = channel;
    this.directory = directory;
    this.count = count;
    this.directoryStart = directoryStart;
    this.shift = shift;
  }

  /**
   * The directory of the archive in {@code channel}, or null when there is none to use: no
   * end-of-central-directory record, a ZIP64 archive, a directory over {@code maxBytes}, or one
   * whose records are out of place.
   *
   * @throws IOException when reading the channel fails
   */
  static ZipDirectory read(SeekableByteChannel channel, int maxBytes) throws IOException {
    long size = channel.size();
    if (size < END_SIZE) {
      return null;
    }
    // the record ends the file, followed only by a comment of at most 65,535 bytes
    int tail = (int) Math.min(size, END_SIZE + 0xFFFF);
    ByteBuffer buf = readAt(channel, size - tail, tail);
    int end = -1;
    for (int i = tail - END_SIZE; i >= 0; i--) {
      if (buf.getInt(i) == END_SIGNATURE
          && i + END_SIZE + Short.toUnsignedInt(buf.getShort(i + 20)) <= tail) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      return null;
    }
    int count = Short.toUnsignedInt(buf.getShort(end + 10));
    long directorySize = Integer.toUnsignedLong(buf.getInt(end + 12));
    long directoryOffset = Integer.toUnsignedLong(buf.getInt(end + 16));
    if (count == 0xFFFF || directorySize == ZIP64_MARK || directoryOffset == ZIP64_MARK) {
      return null; // ZIP64
    }
    long endPosition = size - tail + end;
    long directoryStart = endPosition - directorySize;
    // bytes before the archive (a launch script) move every offset the archive records
    long shift = directoryStart - directoryOffset;
    if (directorySize > maxBytes || directoryStart < 0 || shift < 0) {
      return null;
    }
    byte[] directory = new byte[(int) directorySize];
    ByteBuffer.wrap(directory).put(readAt(channel, directoryStart, (int) directorySize));
    ZipDirectory zip = new ZipDirectory(channel, directory, count, directoryStart, shift);
    return zip.wellFormed() ? zip : null;
  }

  /** Whether the directory holds {@code count} records, each inside it. */
  private boolean wellFormed() {
    ByteBuffer d = ByteBuffer.wrap(directory).order(ByteOrder.LITTLE_ENDIAN);
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (p + ENTRY_SIZE > directory.length || d.getInt(p) != ENTRY_SIGNATURE) {
        return false;
      }
      p = next(d, p);
      if (p > directory.length) {
        return false;
      }
    }
    return true;
  }

  private static int next(ByteBuffer d, int p) {
    return p
        + ENTRY_SIZE
        + Short.toUnsignedInt(d.getShort(p + 28))
        + Short.toUnsignedInt(d.getShort(p + 30))
        + Short.toUnsignedInt(d.getShort(p + 32));
  }

  /**
   * The entries, in directory order, whose names {@code wanted} accepts, directories excluded.
   * {@code wanted} sees each name decoded as ISO-8859-1 (one char per byte, so no decoding cost and
   * ASCII tests hold); picked names are decoded as UTF-8.
   *
   * @throws ZipException when a picked entry's sizes or offset are ZIP64 markers
   */
  List<Entry> entries(Predicate<String> wanted) throws ZipException {
    ByteBuffer d = ByteBuffer.wrap(directory).order(ByteOrder.LITTLE_ENDIAN);
    List<Entry> out = new ArrayList<>();
    int p = 0;
    for (int i = 0; i < count; i++) {
      int nameLength = Short.toUnsignedInt(d.getShort(p + 28));
      int nameStart = p + ENTRY_SIZE;
      boolean directoryEntry = nameLength > 0 && directory[nameStart + nameLength - 1] == '/';
      if (!directoryEntry
          && wanted.test(
              new String(directory, nameStart, nameLength, StandardCharsets.ISO_8859_1))) {
        String name = new String(directory, nameStart, nameLength, StandardCharsets.UTF_8);
        long compressed = Integer.toUnsignedLong(d.getInt(p + 20));
        long size = Integer.toUnsignedLong(d.getInt(p + 24));
        long local = Integer.toUnsignedLong(d.getInt(p + 42));
        if (compressed == ZIP64_MARK || size == ZIP64_MARK || local == ZIP64_MARK) {
          throw new ZipException("ZIP64 sizes are not read");
        }
        out.add(new Entry(name, Short.toUnsignedInt(d.getShort(p + 10)), compressed, size, local));
      }
      p = next(d, p);
    }
    return out;
  }

  /**
   * The entry's content, inflated when it is deflated.
   *
   * @throws ZipException when its local header is not where the directory says, its data runs into
   *     the directory, or it uses another compression method
   */
  InputStream open(Entry e) throws IOException {
    long header = e.localHeader() + shift;
    if (header + LOCAL_SIZE > directoryStart) {
      throw new ZipException("local header beyond the central directory");
    }
    ByteBuffer local = readAt(channel, header, LOCAL_SIZE);
    if (local.getInt(0) != LOCAL_SIGNATURE) {
      throw new ZipException("no local header where the central directory says");
    }
    long data =
        header
            + LOCAL_SIZE
            + Short.toUnsignedInt(local.getShort(26))
            + Short.toUnsignedInt(local.getShort(28));
    if (data + e.compressedSize() > directoryStart) {
      throw new ZipException("data overlaps the central directory");
    }
    InputStream raw = new Slice(channel, data, e.compressedSize());
    return switch (e.method()) {
      case 0 -> raw;
      case 8 -> new Inflating(raw);
      default -> throw new ZipException("unsupported compression method " + e.method());
    };
  }

  private static ByteBuffer readAt(SeekableByteChannel ch, long position, int length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    ch.position(position);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new EOFException("archive ends before byte " + (position + length));
      }
    }
    return buf.flip();
  }

  /** {@code length} bytes of the channel from {@code start}; positions the channel per read. */
  private static final class Slice extends InputStream {
    private final SeekableByteChannel ch;
    private long position;
    private long remaining;

    Slice(SeekableByteChannel ch, long start, long length) {
      this.ch = ch;
      this.position = start;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      ch.position(position);
      int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)));
      if (n < 0) {
        throw new EOFException("archive ends inside an entry");
      }
      position += n;
      remaining -= n;
      return n;
    }
  }

  /** Raw deflate data; its inflater is ended on close. */
  private static final class Inflating extends InflaterInputStream {
    private boolean dummyGiven;

    Inflating(InputStream raw) {
      super(raw, new Inflater(true), 8192);
    }

    @Override
    protected void fill() throws IOException {
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        // raw inflate may want one byte past the data to finish (see Inflater's nowrap)
        if (dummyGiven) {
          throw new EOFException("Unexpected end of ZLIB input stream");
        }
        dummyGiven = true;
        buf[0] = 0;
        n = 1;
      }
      len = n;
      inf.setInput(buf, 0, len);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        inf.end();
      }
    }
  }
}
