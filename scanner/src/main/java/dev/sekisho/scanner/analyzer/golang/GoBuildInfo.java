package dev.sekisho.scanner.analyzer.golang;

import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The build information the Go linker stores in a binary's {@code .go.buildinfo} section, read the
 * way Go's debug/buildinfo does: a 32-byte header ("\xff Go buildinf:", pointer size, flags), then
 * either the Go version and module info inline as varint-prefixed strings (Go 1.18 and later) or
 * two pointers to Go string headers (older binaries).
 *
 * @param goVersion e.g. "go1.22.1"
 * @param path the main package path ("path" line), or null
 * @param main the main module, or null
 * @param deps dependency modules, replacements applied
 * @param goos the {@code GOOS} build setting ("linux"), or null when the binary does not record it
 * @param goarch the {@code GOARCH} build setting ("amd64"), or null
 */
record GoBuildInfo(
    String goVersion, String path, Module main, List<Module> deps, String goos, String goarch) {
  private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  private static final int MAX_SECTION = 4 * 1024 * 1024;
  private static final int FLAG_BIG_ENDIAN = 0x1;
  private static final int FLAG_INLINE = 0x2;

  /**
   * One module.
   *
   * @param path module path
   * @param version version ("v1.2.3", or "(devel)" for a main module built from a work tree)
   * @param replacedFrom the module path it replaces (when a "=>" line applied), or null
   */
  record Module(String path, String version, String replacedFrom) {}

  /** Reads the build info, or returns null when the binary has no .go.buildinfo section. */
  static GoBuildInfo read(ElfFile elf) throws IOException {
    ElfFile.Section section = elf.section(".go.buildinfo");
    if (section == null) {
      return null;
    }
    byte[] data = elf.contents(section, MAX_SECTION);
    if (data.length < 32) {
      throw new ElfFormatException(".go.buildinfo shorter than its header");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        throw new ElfFormatException(".go.buildinfo without its magic");
      }
    }
    int ptrSize = data[14];
    int flags = data[15];
    String version;
    String modinfo;
    if ((flags & FLAG_INLINE) != 0) {
      int[] at = {32};
      version = varintString(data, at);
      modinfo = varintString(data, at);
    } else {
      if (ptrSize != 4 && ptrSize != 8) {
        throw new ElfFormatException("bad pointer size " + ptrSize);
      }
      ByteOrder order =
          (flags & FLAG_BIG_ENDIAN) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      ByteBuffer b = ByteBuffer.wrap(data).order(order);
      long versionAddr = ptr(b, 16, ptrSize);
      long modAddr = ptr(b, 16 + ptrSize, ptrSize);
      version = goString(elf, versionAddr, ptrSize, order);
      modinfo = goString(elf, modAddr, ptrSize, order);
    }
    return parse(version, stripSentinels(modinfo));
  }

  /** Module info is framed by 16-byte sentinels; an empty or unframed one is left empty. */
  private static String stripSentinels(String mod) {
    if (mod.length() >= 33 && mod.charAt(mod.length() - 17) == '\n') {
      return mod.substring(16, mod.length() - 16);
    }
    return "";
  }

  /**
   * Parses the module lines ("path", "mod", "dep", "=>") and the {@code GOOS} and {@code GOARCH}
   * "build" settings; other lines are ignored.
   */
  static GoBuildInfo parse(String goVersion, String modinfo) {
    String path = null;
    Module main = null;
    List<Module> deps = new ArrayList<>();
    boolean lastWasMain = false;
    String goos = null;
    String goarch = null;
    for (String line : modinfo.split("\n")) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "path" -> path = f.length > 1 ? f[1] : null;
        case "mod" -> {
          if (f.length >= 3) {
            main = new Module(f[1], f[2], null);
            lastWasMain = true;
          }
        }
        case "dep" -> {
          if (f.length >= 3) {
            deps.add(new Module(f[1], f[2], null));
            lastWasMain = false;
          }
        }
        case "=>" -> {
          if (f.length >= 2) {
            String version = f.length >= 3 ? f[2] : "";
            if (lastWasMain && main != null) {
              main = new Module(f[1], version, main.path());
            } else if (!deps.isEmpty()) {
              Module replaced = deps.removeLast();
              deps.add(new Module(f[1], version, replaced.path()));
            }
          }
        }
        case "build" -> {
          if (f.length >= 2 && f[1].startsWith("GOOS=")) {
            goos = emptyToNull(f[1].substring(5));
          } else if (f.length >= 2 && f[1].startsWith("GOARCH=")) {
            goarch = emptyToNull(f[1].substring(7));
          }
        }
        default -> {}
      }
    }
    return new GoBuildInfo(goVersion, path, main, deps, goos, goarch);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static String varintString(byte[] data, int[] at) throws ElfFormatException {
    long len = 0;
    int shift = 0;
    while (true) {
      if (at[0] >= data.length || shift > 35) {
        throw new ElfFormatException("bad varint in .go.buildinfo");
      }
      int b = data[at[0]++] & 0xff;
      len |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
      shift += 7;
    }
    if (len > data.length - at[0]) {
      throw new ElfFormatException("string beyond the end of .go.buildinfo");
    }
    String s = new String(data, at[0], (int) len, StandardCharsets.UTF_8);
    at[0] += (int) len;
    return s;
  }

  private static long ptr(ByteBuffer b, int at, int size) {
    return size == 8 ? b.getLong(at) : Integer.toUnsignedLong(b.getInt(at));
  }

  private static String goString(ElfFile elf, long addr, int ptrSize, ByteOrder order)
      throws IOException {
    ByteBuffer header = ByteBuffer.wrap(elf.readAt(addr, 2 * ptrSize)).order(order);
    long dataAddr = ptr(header, 0, ptrSize);
    long len = ptr(header, ptrSize, ptrSize);
    if (len < 0 || len > MAX_SECTION) {
      throw new ElfFormatException("bad string length " + len);
    }
    return new String(elf.readAt(dataAddr, (int) len), StandardCharsets.UTF_8);
  }
}
