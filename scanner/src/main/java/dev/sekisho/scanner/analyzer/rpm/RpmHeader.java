package dev.sekisho.scanner.analyzer.rpm;

import dev.sekisho.scanner.model.InstalledFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fields Sekisho needs from an RPM header blob as the rpmdb stores it (the "header" structure
 * of the RPM file format without the 8-byte magic): index count and data length (big-endian int32),
 * then 16-byte index entries (tag, type, offset, count), then the data store.
 *
 * @param epoch EPOCH, or null when the package has none
 * @param files the regular files the package installed with the digests rpm recorded for them
 *     (FILEDIGESTS in the algorithm FILEDIGESTALGO names, MD5 when absent; paths from
 *     DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or OLDFILENAMES in very old headers); files without a
 *     digest (directories, links, ghosts) are left out
 * @param filesProblem why the file list could not be read (the package is still reported), or null
 */
record RpmHeader(
    String name,
    String version,
    String release,
    Integer epoch,
    String arch,
    String sourceRpm,
    String license,
    String modularityLabel,
    List<InstalledFile> files,
    String filesProblem) {

  static final int NAME = 1000;
  static final int VERSION = 1001;
  static final int RELEASE = 1002;
  static final int EPOCH = 1003;
  static final int LICENSE = 1014;
  static final int ARCH = 1022;
  static final int SOURCERPM = 1044;
  static final int MODULARITYLABEL = 5096;
  static final int OLDFILENAMES = 1027;
  static final int FILEDIGESTS = 1035;
  static final int DIRINDEXES = 1116;
  static final int BASENAMES = 1117;
  static final int DIRNAMES = 1118;
  static final int FILEDIGESTALGO = 5011;

  private static final int TYPE_INT32 = 4;
  private static final int TYPE_STRING = 6;
  private static final int TYPE_STRING_ARRAY = 8;
  private static final int TYPE_I18NSTRING = 9;
  private static final int MAX_ENTRIES = 1 << 16;

  /**
   * Parses a header blob.
   *
   * @throws IllegalArgumentException when the blob is malformed
   */
  static RpmHeader parse(byte[] blob) {
    if (blob.length < 8) {
      throw new IllegalArgumentException("header blob of " + blob.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(blob); // big-endian
    int il = b.getInt(0);
    int dl = b.getInt(4);
    if (il < 0 || il > MAX_ENTRIES || dl < 0 || 8L + 16L * il + dl > blob.length) {
      throw new IllegalArgumentException(
          "bad header sizes: " + il + " entries, " + dl + " data bytes");
    }
    int dataStart = 8 + 16 * il;
    String name = null,
        version = null,
        release = null,
        arch = null,
        source = null,
        license = null,
        module = null;
    Integer epoch = null;
    Integer digestAlgo = null;
    // [type, at, count] of the file list's tags, decoded once the header is read
    int[] digests = null, dirIndexes = null, baseNames = null, dirNames = null, oldNames = null;
    for (int i = 0; i < il; i++) {
      int e = 8 + 16 * i;
      int tag = b.getInt(e);
      int type = b.getInt(e + 4);
      int offset = b.getInt(e + 8);
      int count = b.getInt(e + 12);
      if (offset < 0 || offset >= dl) {
        continue; // region tags and the like may point at the trailer; not ours
      }
      int at = dataStart + offset;
      switch (tag) {
        case NAME -> name = string(blob, at, dataStart + dl, type);
        case VERSION -> version = string(blob, at, dataStart + dl, type);
        case RELEASE -> release = string(blob, at, dataStart + dl, type);
        case ARCH -> arch = string(blob, at, dataStart + dl, type);
        case SOURCERPM -> source = string(blob, at, dataStart + dl, type);
        case LICENSE -> license = string(blob, at, dataStart + dl, type);
        case MODULARITYLABEL -> module = string(blob, at, dataStart + dl, type);
        case EPOCH -> {
          if (type == TYPE_INT32 && count >= 1 && at + 4 <= dataStart + dl) {
            epoch = b.getInt(at);
          }
        }
        case FILEDIGESTALGO -> {
          if (type == TYPE_INT32 && count >= 1 && at + 4 <= dataStart + dl) {
            digestAlgo = b.getInt(at);
          }
        }
        case FILEDIGESTS -> digests = new int[] {type, at, count};
        case DIRINDEXES -> dirIndexes = new int[] {type, at, count};
        case BASENAMES -> baseNames = new int[] {type, at, count};
        case DIRNAMES -> dirNames = new int[] {type, at, count};
        case OLDFILENAMES -> oldNames = new int[] {type, at, count};
        default -> {}
      }
    }
    if (name == null || version == null) {
      throw new IllegalArgumentException("header without NAME or VERSION");
    }
    List<InstalledFile> files = List.of();
    String filesProblem = null;
    if (digests != null) {
      try {
        files =
            files(
                b,
                dataStart + dl,
                name,
                digestAlgo,
                digests,
                dirIndexes,
                baseNames,
                dirNames,
                oldNames);
      } catch (IllegalArgumentException e) {
        filesProblem = "file list of " + name + ": " + e.getMessage();
      }
    }
    return new RpmHeader(
        name, version, release, epoch, arch, source, license, module, files, filesProblem);
  }

  /** The algorithm name InstalledFile digests use for an rpm digest algorithm (PGP hash ids). */
  static String algorithmName(Integer algo) {
    return switch (algo == null ? 1 : algo) {
      case 1 -> "md5";
      case 2 -> "sha1";
      case 8 -> "sha256";
      case 9 -> "sha384";
      case 10 -> "sha512";
      case 11 -> "sha224";
      default -> throw new IllegalArgumentException("unknown file digest algorithm " + algo);
    };
  }

  private static List<InstalledFile> files(
      ByteBuffer b,
      int end,
      String pkg,
      Integer algo,
      int[] digests,
      int[] dirIndexes,
      int[] baseNames,
      int[] dirNames,
      int[] oldNames) {
    String algorithm = algorithmName(algo);
    String[] sums = strings(b, end, digests);
    String[] paths;
    if (baseNames != null) {
      if (dirIndexes == null || dirNames == null) {
        throw new IllegalArgumentException("BASENAMES without DIRINDEXES or DIRNAMES");
      }
      String[] base = strings(b, end, baseNames);
      String[] dirs = strings(b, end, dirNames);
      int[] index = ints(b, end, dirIndexes);
      if (index.length != base.length) {
        throw new IllegalArgumentException(
            index.length + " DIRINDEXES for " + base.length + " BASENAMES");
      }
      paths = new String[base.length];
      for (int i = 0; i < base.length; i++) {
        if (index[i] < 0 || index[i] >= dirs.length) {
          throw new IllegalArgumentException(
              "DIRINDEXES[" + i + "] = " + index[i] + " with " + dirs.length + " DIRNAMES");
        }
        paths[i] = dirs[index[i]] + base[i];
      }
    } else if (oldNames != null) {
      paths = strings(b, end, oldNames);
    } else {
      throw new IllegalArgumentException("FILEDIGESTS without file names");
    }
    if (paths.length != sums.length) {
      throw new IllegalArgumentException(
          sums.length + " FILEDIGESTS for " + paths.length + " files");
    }
    List<InstalledFile> out = new ArrayList<>();
    for (int i = 0; i < paths.length; i++) {
      if (sums[i].isEmpty()) {
        continue; // not a regular file
      }
      String path = paths[i];
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      out.add(new InstalledFile(path, pkg, algorithm + ":" + sums[i].toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  /** A STRING_ARRAY entry: {@code count} NUL-terminated strings from {@code at}. */
  private static String[] strings(ByteBuffer b, int end, int[] entry) {
    if (entry[0] != TYPE_STRING_ARRAY) {
      throw new IllegalArgumentException("a file list tag of type " + entry[0]);
    }
    int count = entry[2];
    // every string takes a byte at least: a count beyond the data is a lie, not an allocation
    if (count < 0 || count > end - entry[1]) {
      throw new IllegalArgumentException("string array of " + count + " entries");
    }
    byte[] blob = b.array();
    String[] out = new String[count];
    int at = entry[1];
    for (int i = 0; i < count; i++) {
      int z = at;
      while (z < end && blob[z] != 0) {
        z++;
      }
      if (z >= end) {
        throw new IllegalArgumentException("unterminated string in header data");
      }
      out[i] = new String(blob, at, z - at, StandardCharsets.UTF_8);
      at = z + 1;
    }
    return out;
  }

  /** An INT32 array entry (aligned by rpm, read as it is). */
  private static int[] ints(ByteBuffer b, int end, int[] entry) {
    if (entry[0] != TYPE_INT32) {
      throw new IllegalArgumentException("a file index tag of type " + entry[0]);
    }
    int count = entry[2];
    if (count < 0 || count > (end - entry[1]) / 4) {
      throw new IllegalArgumentException("int32 array of " + count + " entries");
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = b.getInt(entry[1] + 4 * i);
    }
    return out;
  }

  private static String string(byte[] blob, int at, int end, int type) {
    if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING) {
      return null;
    }
    int z = at;
    while (z < end && blob[z] != 0) {
      z++;
    }
    if (z >= end) {
      throw new IllegalArgumentException("unterminated string in header data");
    }
    return new String(blob, at, z - at, StandardCharsets.UTF_8);
  }
}
