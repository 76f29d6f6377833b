package dev.sekisho.scanner.analyzer.golang;

import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The functions compiled into a Go ELF binary, read from its {@code .gopclntab} section (the
 * runtime's function table, kept by {@code -ldflags=-s -w}) and, where the binary still has its
 * {@code .symtab}, the inline trees of every function (the functions the compiler inlined into
 * others), the way govulncheck's binary mode reads them with its copy of Go's debug/gosym.
 *
 * <p>No maintained Java library reads Go's pclntab, so this reads the documented runtime layout
 * ({@code runtime/symtab.go}, {@code runtime/runtime2.go}) itself: the Go 1.18–1.19 format (magic
 * {@code 0xfffffff0}) and Go 1.20 and later ({@code 0xfffffff1}) with inline trees; Go 1.16–1.17
 * ({@code 0xfffffffa}) function names only. Older tables are not read.
 *
 * <p>Memory is bounded: the pclntab is read whole up to {@value #MAX_PCLNTAB} bytes, the {@code
 * go:func.*} data the inline trees live in up to {@value #MAX_FUNCDATA} bytes, and the symbol name
 * table up to {@value #MAX_STRTAB} bytes; a larger pclntab is an error, a larger function data or
 * name table leaves the inline trees unread.
 */
final class GoSymbolTable {
  static final int MAX_PCLNTAB = 64 << 20;
  static final int MAX_FUNCDATA = 64 << 20;
  static final int MAX_STRTAB = 32 << 20;

  /** Inline-tree entries of one function beyond which the table is taken as corrupt. */
  static final int MAX_INLINED = 1 << 16;

  private static final int GO116 = 0xfffffffa;
  private static final int GO118 = 0xfffffff0;
  private static final int GO120 = 0xfffffff1;

  private static final int PCDATA_INLTREE_INDEX = 2;
  private static final int FUNCDATA_INLTREE = 3;

  /**
   * What was read.
   *
   * @param packages package path (as the linker names it, "main" for the main package) to its
   *     functions, in govulncheck's form: {@code Func} or {@code T.Method} (pointer receivers and
   *     type arguments dropped)
   * @param inlinedRead the inline trees were read too, so a symbol absent from {@code packages} is
   *     not in the binary
   */
  record Result(Map<String, Set<String>> packages, boolean inlinedRead) {}

  private final byte[] tab;
  private final ByteBuffer b;
  private final int magic;
  private final int ptrSize;
  private final int quantum;
  private final long nfunc;
  private final int funcnameOff;
  private final int pctabOff;
  private final int pclnOff;

  private GoSymbolTable(byte[] tab, ElfFile elf) throws ElfFormatException {
    this.tab = tab;
    this.b = ByteBuffer.wrap(tab).order(elf.order());
    if (tab.length < 16) {
      throw new ElfFormatException(".gopclntab shorter than its header");
    }
    magic = b.getInt(0);
    if (magic != GO116 && magic != GO118 && magic != GO120) {
      throw new ElfFormatException(
          ".gopclntab has magic 0x" + Integer.toHexString(magic) + " (Go before 1.16)");
    }
    quantum = tab[6] & 0xff;
    ptrSize = tab[7];
    if (tab[4] != 0 || tab[5] != 0 || (ptrSize != 4 && ptrSize != 8) || quantum == 0) {
      throw new ElfFormatException(".gopclntab has a bad header");
    }
    int headerWords = magic == GO116 ? 7 : 8;
    if (tab.length < 8 + headerWords * ptrSize) {
      throw new ElfFormatException(".gopclntab shorter than its header");
    }
    nfunc = word(8);
    int first = magic == GO116 ? 2 : 3; // 1.18 added textStart before the offsets
    funcnameOff = offset(word(8 + first * ptrSize), "funcnametab");
    pctabOff = offset(word(8 + (first + 3) * ptrSize), "pctab");
    pclnOff = offset(word(8 + (first + 4) * ptrSize), "pclntab");
    long entry = magic == GO116 ? 2L * ptrSize : 8;
    if (nfunc < 0 || nfunc > (tab.length - pclnOff) / entry) {
      throw new ElfFormatException(".gopclntab claims " + nfunc + " functions, more than it holds");
    }
  }

  /**
   * Reads the function table of {@code elf}, or returns null when it has no {@code .gopclntab}.
   *
   * @throws ElfFormatException naming the problem when the table is malformed or larger than
   *     {@value #MAX_PCLNTAB} bytes
   */
  static Result read(ElfFile elf) throws IOException {
    ElfFile.Section s = elf.section(".gopclntab");
    if (s == null) {
      s = elf.section(".data.rel.ro.gopclntab"); // position-independent, externally linked
    }
    if (s == null || s.type() == 8) {
      return null;
    }
    if (s.size() > MAX_PCLNTAB) {
      throw new ElfFormatException(
          ".gopclntab has "
              + s.size()
              + " bytes, more than the "
              + MAX_PCLNTAB
              + " read for Go symbols");
    }
    GoSymbolTable t = new GoSymbolTable(elf.contents(s, MAX_PCLNTAB), elf);
    FuncData gofunc = t.magic == GO116 ? null : FuncData.read(elf, t.magic == GO120);
    return t.functions(gofunc);
  }

  /** The {@code go:func.*} data the inline trees' offsets are relative to. */
  private record FuncData(byte[] data) {
    static FuncData read(ElfFile elf, boolean go120) throws IOException {
      Long addr = symbol(elf, go120 ? "go:func.*" : "go.func.*");
      if (addr == null) {
        return null; // stripped: no symbol table
      }
      for (ElfFile.Section s : elf.sections()) {
        if (s.type() != 8 && addr >= s.address() && addr < s.address() + s.size()) {
          long from = addr - s.address();
          long len = s.size() - from;
          if (len > MAX_FUNCDATA) {
            return null;
          }
          return new FuncData(elf.contents(s, from, (int) len));
        }
      }
      return null;
    }
  }

  /** The value of the ELF symbol {@code name} in {@code .symtab}, or null. */
  static Long symbol(ElfFile elf, String name) throws IOException {
    ElfFile.Section symtab = elf.section(".symtab");
    ElfFile.Section strtab = elf.section(".strtab");
    if (symtab == null || strtab == null || strtab.size() > MAX_STRTAB) {
      return null;
    }
    byte[] names = elf.contents(strtab, MAX_STRTAB);
    byte[] want = (name + "\0").getBytes(StandardCharsets.UTF_8);
    int size = elf.is64() ? 24 : 16;
    int chunk = size * 4096;
    for (long at = 0; at + size <= symtab.size(); at += chunk) {
      int n = (int) Math.min(chunk, (symtab.size() - at) / size * size);
      ByteBuffer sym = ByteBuffer.wrap(elf.contents(symtab, at, n)).order(elf.order());
      for (int o = 0; o + size <= n; o += size) {
        long nameOff = Integer.toUnsignedLong(sym.getInt(o));
        if (nameOff + want.length <= names.length
            && Arrays.equals(
                names, (int) nameOff, (int) nameOff + want.length, want, 0, want.length)) {
          return elf.is64() ? sym.getLong(o + 8) : Integer.toUnsignedLong(sym.getInt(o + 4));
        }
      }
    }
    return null;
  }

  private Result functions(FuncData gofunc) throws ElfFormatException {
    Map<String, Set<String>> out = new HashMap<>();
    boolean inlined = gofunc != null;
    for (long i = 0; i < nfunc; i++) {
      int f;
      int nameOff;
      if (magic == GO116) {
        f = offset(pclnOff + word(pclnOff + i * 2 * ptrSize + ptrSize), "function");
        nameOff = b.getInt(in(f + ptrSize, 4));
      } else {
        f = offset(pclnOff + Integer.toUnsignedLong(b.getInt(in(pclnOff + i * 8 + 4, 4))), "func");
        nameOff = b.getInt(in(f + 4, 4));
      }
      add(out, name(nameOff));
      if (inlined) {
        inlinedCalls(f, gofunc.data(), out);
      }
    }
    return new Result(out, inlined);
  }

  /** Adds the functions inlined into the function at {@code f}. */
  private void inlinedCalls(int f, byte[] gofunc, Map<String, Set<String>> out)
      throws ElfFormatException {
    boolean go120 = magic == GO120;
    long npcdata = Integer.toUnsignedLong(b.getInt(in(f + 28, 4)));
    int nfuncdata = tab[in(f + (go120 ? 43 : 39), 1)] & 0xff;
    int pcdata = f + (go120 ? 44 : 40);
    if (npcdata <= PCDATA_INLTREE_INDEX || nfuncdata <= FUNCDATA_INLTREE) {
      return;
    }
    long index = Integer.toUnsignedLong(b.getInt(in(pcdata + 4L * PCDATA_INLTREE_INDEX, 4)));
    long tree =
        Integer.toUnsignedLong(b.getInt(in(pcdata + 4 * npcdata + 4L * FUNCDATA_INLTREE, 4)));
    if (index == 0 || tree == 0xffffffffL) {
      return;
    }
    int count = maxValue(offset(pctabOff + index, "pcdata")) + 1;
    int size = go120 ? 16 : 20;
    ByteBuffer g = ByteBuffer.wrap(gofunc).order(b.order());
    for (int j = 0; j < count; j++) {
      long at = tree + (long) j * size;
      if (at + size > gofunc.length) {
        throw new ElfFormatException("inline tree beyond go:func.*");
      }
      add(out, name(g.getInt((int) at + (go120 ? 4 : 12))));
    }
  }

  /** The largest value of the pc-value table at {@code at} (-1 for an empty one). */
  private int maxValue(int at) throws ElfFormatException {
    long value = -1;
    long max = -1;
    int[] p = {at};
    for (boolean first = true; ; first = false) {
      long uv = uvarint(p);
      if (uv == 0 && !first) {
        return (int) max;
      }
      value += (uv & 1) != 0 ? ~(uv >>> 1) : uv >>> 1;
      uvarint(p); // pc delta
      max = Math.max(max, value);
      if (max >= MAX_INLINED) {
        throw new ElfFormatException(
            "an inline tree has more than " + MAX_INLINED + " entries (corrupt .gopclntab)");
      }
    }
  }

  private long uvarint(int[] p) throws ElfFormatException {
    long v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p[0] >= tab.length) {
        throw new ElfFormatException("pc-value table beyond the end of .gopclntab");
      }
      int x = tab[p[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        return v;
      }
    }
    throw new ElfFormatException("bad varint in .gopclntab");
  }

  private String name(int nameOff) throws ElfFormatException {
    int start = offset(funcnameOff + Integer.toUnsignedLong(nameOff), "function name");
    int end = start;
    while (end < tab.length && tab[end] != 0) {
      end++;
    }
    return new String(tab, start, end - start, StandardCharsets.UTF_8);
  }

  private long word(long at) throws ElfFormatException {
    int i = in(at, ptrSize);
    return ptrSize == 8 ? b.getLong(i) : Integer.toUnsignedLong(b.getInt(i));
  }

  private int in(long at, int len) throws ElfFormatException {
    if (at < 0 || at > tab.length - len) {
      throw new ElfFormatException(
          ".gopclntab offset " + at + " beyond its " + tab.length + " bytes");
    }
    return (int) at;
  }

  private int offset(long at, String what) throws ElfFormatException {
    if (at < 0 || at >= tab.length) {
      throw new ElfFormatException(
          ".gopclntab " + what + " offset " + at + " beyond its " + tab.length + " bytes");
    }
    return (int) at;
  }

  private void add(Map<String, Set<String>> out, String name) {
    String[] ps = split(name, magic == GO120);
    if (ps != null) {
      out.computeIfAbsent(ps[0], k -> new TreeSet<>()).add(ps[1]);
    }
  }

  /**
   * A linker function name split as govulncheck does (its {@code parseName} over debug/gosym's
   * {@code Sym}): {@code golang.org/x/text/language.(*Tag).String} is package {@code
   * golang.org/x/text/language}, symbol {@code Tag.String}; type arguments ({@code [...]}) are
   * dropped and the package path's escapes ({@code %2e}) decoded. Null for compiler-generated names
   * ({@code type:}, {@code go:}) and names without a package.
   */
  static String[] split(String name, boolean go120) {
    String n = name;
    int open = n.indexOf('[');
    int close = n.lastIndexOf(']');
    if (open >= 0 && close > open) {
      n = n.substring(0, open) + n.substring(close + 1);
    }
    if (go120 ? n.startsWith("go:") || n.startsWith("type:") : n.startsWith("type.")) {
      return null;
    }
    int pathEnd = Math.max(n.lastIndexOf('/'), 0);
    if (!go120 && n.startsWith("go.") && pathEnd == 0) {
      return null; // go.buildid, go.itab.… before Go 1.20
    }
    int dot = n.indexOf('.', pathEnd);
    if (dot <= 0 || dot == n.length() - 1) {
      return null;
    }
    int last = n.lastIndexOf('.');
    String symbol = n.substring(last + 1);
    if (last > dot) {
      String receiver = trim(n.substring(dot + 1, last));
      symbol = receiver + "." + symbol;
    }
    return new String[] {unescape(n.substring(0, dot)), symbol};
  }

  /** Go's strings.Trim(r, "(*)"). */
  private static String trim(String r) {
    int s = 0;
    int e = r.length();
    while (s < e && "(*)".indexOf(r.charAt(s)) >= 0) {
      s++;
    }
    while (e > s && "(*)".indexOf(r.charAt(e - 1)) >= 0) {
      e--;
    }
    return r.substring(s, e);
  }

  /** url.PathUnescape; the name unchanged when it has a bad escape. */
  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%') {
        if (i + 2 >= in.length) {
          return s;
        }
        int hi = Character.digit(in[i + 1], 16);
        int lo = Character.digit(in[i + 2], 16);
        if (hi < 0 || lo < 0) {
          return s;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
