package dev.sekisho.scanner.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a layer's tar stream entry by entry: POSIX ustar and pax (local {@code path}, {@code
 * linkpath} and {@code size} records), GNU long names and links, base-256 numbers, old V7 headers.
 * Sparse files (GNU and pax formats) are reported as such and skipped, not expanded.
 *
 * <p>Hand-written instead of Commons Compress's {@code TarArchiveInputStream}, which the walker
 * used before: that one allocated two fresh 8 KiB buffers for every entry to skip its rest and its
 * padding and decoded every name through a {@code CharsetDecoder}, which was half of all the bytes
 * a cold scan allocated and a tenth of a layer thread's time (bench/RESULTS.md, 2026-12-03). This
 * reader reuses one header block and one skip buffer. Like Go's {@code archive/tar}, which the
 * container runtimes that unpack layers use, it gives hard links, symbolic links, devices,
 * directories and FIFOs no content whatever their size field says, and ignores pax global headers.
 */
final class TarReader {
  private static final int BLOCK = 512;
  private static final int MAX_METADATA = 1 << 20;

  /** What an entry is. */
  enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARD_LINK,
    OTHER
  }

  /**
   * One entry: its name and link target as in the archive (not normalised), its type, its size (of
   * the content that follows, or for a sparse file its real size), its permission bits.
   */
  record Entry(String name, String linkName, Type type, long size, int mode, boolean sparse) {}

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private final byte[] skip = new byte[1 << 16];
  private final Content content = new Content();
  private String current = "";
  private long remaining;
  private long padding;
  private boolean ended;

  TarReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next entry, after skipping what is left of the current one; null at the end of the archive
   * (a zero block, or the end of the stream between entries).
   *
   * @throws IOException when the stream fails, ends inside an entry, or holds a malformed header
   */
  Entry next() throws IOException {
    skipRest();
    String longName = null;
    String longLink = null;
    Pax pax = null;
    while (true) {
      if (ended || !readHeader()) {
        ended = true;
        return null;
      }
      byte type = header[156];
      long size = number(124, 12, "size");
      switch (type) {
        case 'L' -> {
          longName = text(size);
          continue;
        }
        case 'K' -> {
          longLink = text(size);
          continue;
        }
        case 'x' -> {
          pax = Pax.parse(metadata(size), pax);
          continue;
        }
        case 'g' -> {
          skipData(size); // global pax records: ignored, as by Go's archive/tar
          continue;
        }
        default -> {}
      }
      String name = longName != null ? longName : headerName();
      String link = longLink != null ? longLink : string(157, 100);
      boolean sparse = type == 'S';
      long realSize = size;
      if (pax != null) {
        name = pax.path != null ? pax.path : name;
        link = pax.linkPath != null ? pax.linkPath : link;
        size = pax.size >= 0 ? pax.size : size;
        realSize = size;
        if (pax.sparse) {
          sparse = true;
          name = pax.sparseName != null ? pax.sparseName : name;
          realSize = pax.sparseRealSize >= 0 ? pax.sparseRealSize : size;
        }
      }
      if (type == 'S') {
        realSize = number(483, 12, "real size");
        if (header[482] != 0) {
          skipSparseExtensions();
        }
      }
      Type t = type(type, name);
      boolean headerOnly =
          t == Type.DIRECTORY
              || t == Type.SYMLINK
              || t == Type.HARD_LINK
              || type == '3'
              || type == '4'
              || type == '6';
      long data = headerOnly ? 0 : size;
      current = name;
      remaining = data;
      padding = (BLOCK - data % BLOCK) % BLOCK;
      int mode = (int) (lenientOctal(100, 8) & 07777);
      return new Entry(name, link, t, sparse ? realSize : data, mode, sparse);
    }
  }

  /**
   * The current entry's content (for a sparse file, its stored segments). Not to be closed; reading
   * past it is not possible.
   */
  InputStream content() {
    return content;
  }

  private static Type type(byte type, String name) {
    return switch (type) {
      case '0', 0, '7', 'S' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
      case '5' -> Type.DIRECTORY;
      case '2' -> Type.SYMLINK;
      case '1' -> Type.HARD_LINK;
      default -> Type.OTHER;
    };
  }

  /** Reads one header block; false at the end of the archive. */
  private boolean readHeader() throws IOException {
    int n = in.readNBytes(header, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new EOFException("tar archive ends inside a header (after " + describe() + ")");
    }
    long sum = 0;
    long signedSum = 0;
    boolean zero = true;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
      sum += b & 0xff;
      signedSum += b;
      zero &= header[i] == 0;
    }
    if (zero) {
      return false;
    }
    long stored = lenientOctal(148, 8);
    if (stored != sum && stored != signedSum) {
      throw new IOException("tar header checksum mismatch (after " + describe() + ")");
    }
    return true;
  }

  private String describe() {
    return current.isEmpty() ? "the start" : "entry " + current;
  }

  /** The name of a ustar, GNU or V7 header: the POSIX prefix joined to the name field. */
  private String headerName() {
    String name = string(0, 100);
    boolean posix =
        header[257] == 'u'
            && header[258] == 's'
            && header[259] == 't'
            && header[260] == 'a'
            && header[261] == 'r'
            && header[262] == 0;
    if (!posix) {
      return name; // GNU and V7 headers have no prefix field
    }
    // star's variant keeps times after a shorter prefix
    boolean star =
        header[508] == 't' && header[509] == 'a' && header[510] == 'r' && header[511] == 0;
    String prefix = string(345, star ? 131 : 155);
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** A NUL-terminated UTF-8 string field. */
  private String string(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** A numeric field: octal digits, or base-256 when its first byte has the high bit set. */
  private long number(int offset, int length, String field) throws IOException {
    if ((header[offset] & 0x80) != 0) {
      if (header[offset] == (byte) 0xff) {
        throw new IOException("negative " + field + " in a tar header (after " + describe() + ")");
      }
      long value = header[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        if (value > (Long.MAX_VALUE >>> 8)) {
          throw new IOException(field + " too large in a tar header (after " + describe() + ")");
        }
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = octal(offset, length);
    if (value < 0) {
      throw new IOException("invalid " + field + " in a tar header (after " + describe() + ")");
    }
    return value;
  }

  /** An octal field, or 0 when it is not one (for fields that are only informative). */
  private long lenientOctal(int offset, int length) {
    long value = octal(offset, length);
    return value < 0 ? 0 : value;
  }

  /** Octal digits, with leading spaces and trailing NULs or spaces; -1 when malformed. */
  private long octal(int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end && header[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end; i++) {
      byte b = header[i];
      if (b >= '0' && b <= '7') {
        if (digits++ > 20) {
          return -1;
        }
        value = (value << 3) + (b - '0');
      } else if (b == 0 || b == ' ') {
        break;
      } else {
        return -1;
      }
    }
    for (; i < end; i++) {
      if (header[i] != 0 && header[i] != ' ') {
        return -1;
      }
    }
    return value;
  }

  /** The content of a GNU long name or link entry, up to its first NUL. */
  private String text(long size) throws IOException {
    byte[] bytes = metadata(size);
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** The content of a metadata entry (long name, pax records) and its padding. */
  private byte[] metadata(long size) throws IOException {
    if (size > MAX_METADATA) {
      throw new IOException(
          "tar metadata entry of "
              + size
              + " bytes, over "
              + MAX_METADATA
              + " (after "
              + describe()
              + ")");
    }
    byte[] bytes = in.readNBytes((int) size);
    if (bytes.length < size) {
      throw new EOFException("tar archive ends inside a metadata entry (after " + describe() + ")");
    }
    discard((BLOCK - size % BLOCK) % BLOCK);
    return bytes;
  }

  private void skipData(long size) throws IOException {
    discard(size + (BLOCK - size % BLOCK) % BLOCK);
  }

  /** Old GNU sparse headers continue their map in extension blocks, flagged in byte 504. */
  private void skipSparseExtensions() throws IOException {
    do {
      if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
        throw new EOFException("tar archive ends inside a sparse map (after " + describe() + ")");
      }
    } while (header[504] != 0);
  }

  private void skipRest() throws IOException {
    discard(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void discard(long n) throws IOException {
    while (n > 0) {
      int r = in.read(skip, 0, (int) Math.min(n, skip.length));
      if (r < 0) {
        throw new EOFException("tar archive ends inside " + describe());
      }
      n -= r;
    }
  }

  /** The local pax records that matter here. */
  private static final class Pax {
    String path;
    String linkPath;
    long size = -1;
    boolean sparse;
    String sparseName;
    long sparseRealSize = -1;

    /** Parses "LENGTH KEY=VALUE\n" records, over the ones of {@code previous} if any. */
    static Pax parse(byte[] records, Pax previous) throws IOException {
      Pax pax = previous != null ? previous : new Pax();
      int pos = 0;
      while (pos < records.length) {
        int space = pos;
        long length = 0;
        while (space < records.length && records[space] >= '0' && records[space] <= '9') {
          length = length * 10 + (records[space] - '0');
          if (length > records.length) {
            throw malformed();
          }
          space++;
        }
        if (space == pos || space >= records.length || records[space] != ' ') {
          if (allNul(records, pos)) {
            break; // padding some writers leave
          }
          throw malformed();
        }
        int end = pos + (int) length;
        if (length < 5 || end > records.length || records[end - 1] != '\n') {
          throw malformed();
        }
        int equals = space + 1;
        while (equals < end - 1 && records[equals] != '=') {
          equals++;
        }
        if (equals >= end - 1) {
          throw malformed();
        }
        String key = new String(records, space + 1, equals - space - 1, StandardCharsets.UTF_8);
        String value =
            new String(records, equals + 1, end - 1 - equals - 1, StandardCharsets.UTF_8);
        pax.apply(key, value);
        pos = end;
      }
      return pax;
    }

    private void apply(String key, String value) throws IOException {
      switch (key) {
        case "path" -> path = value.isEmpty() ? null : value;
        case "linkpath" -> linkPath = value.isEmpty() ? null : value;
        case "size" -> size = value.isEmpty() ? -1 : decimal(value, key);
        case "GNU.sparse.name" -> {
          sparse = true;
          sparseName = value;
        }
        case "GNU.sparse.realsize", "GNU.sparse.size" -> {
          sparse = true;
          sparseRealSize = decimal(value, key);
        }
        default -> {
          if (key.startsWith("GNU.sparse.")) {
            sparse = true;
          }
        }
      }
    }

    private static long decimal(String value, String key) throws IOException {
      try {
        long v = Long.parseLong(value);
        if (v < 0) {
          throw new NumberFormatException(value);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IOException("invalid " + key + " in a pax header: " + value);
      }
    }

    private static boolean allNul(byte[] b, int from) {
      for (int i = from; i < b.length; i++) {
        if (b[i] != 0) {
          return false;
        }
      }
      return true;
    }

    private static IOException malformed() {
      return new IOException("malformed pax header");
    }
  }

  /** The current entry's content. */
  private final class Content extends InputStream {
    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException("tar archive ends inside entry " + current);
      }
      remaining--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("tar archive ends inside entry " + current);
      }
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long want = Math.min(n, remaining);
      long done = 0;
      while (done < want) {
        int r = read(skip, 0, (int) Math.min(want - done, skip.length));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(remaining, in.available());
    }
  }
}
