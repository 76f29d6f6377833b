package dev.sekisho.scanner.analyzer.rpm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fields Sekisho needs from an RPM header blob as the rpmdb stores it (the "header" structure
 * of the RPM file format without the 8-byte magic): index count and data length (big-endian int32),
 * then 16-byte index entries (tag, type, offset, count), then the data store.
 *
 * @param epoch EPOCH, or null when the package has none
 */
record RpmHeader(
    String name,
    String version,
    String release,
    Integer epoch,
    String arch,
    String sourceRpm,
    String license,
    String modularityLabel) {

  static final int NAME = 1000;
  static final int VERSION = 1001;
  static final int RELEASE = 1002;
  static final int EPOCH = 1003;
  static final int LICENSE = 1014;
  static final int ARCH = 1022;
  static final int SOURCERPM = 1044;
  static final int MODULARITYLABEL = 5096;

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
        default -> {}
      }
    }
    if (name == null || version == null) {
      throw new IllegalArgumentException("header without NAME or VERSION");
    }
    return new RpmHeader(name, version, release, epoch, arch, source, license, module);
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
