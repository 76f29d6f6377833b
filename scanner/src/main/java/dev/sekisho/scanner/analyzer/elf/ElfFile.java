package dev.sekisho.scanner.analyzer.elf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little of ELF that build-info readers need: section headers by name and the mapping of
 * virtual addresses to file offsets through the program headers. Hand-written because the Java
 * libraries for ELF either pull in native code or parse far more than this; the format is fixed and
 * small (System V gABI, "ELF header" and "Section header" chapters).
 */
public final class ElfFile {
  /** The first four bytes of every ELF file. */
  public static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

  private static final int MAX_SECTIONS = 65_536;

  /** One section. */
  public record Section(String name, int type, long address, long offset, long size) {}

  /** One loadable segment. */
  private record Segment(long vaddr, long offset, long fileSize) {}

  private final SeekableByteChannel channel;
  private final boolean is64;
  private final ByteOrder order;
  private final List<Section> sections;
  private final List<Segment> segments;

  private ElfFile(
      SeekableByteChannel channel,
      boolean is64,
      ByteOrder order,
      List<Section> sections,
      List<Segment> segments) {
    this.channel = channel;
    this.is64 = is64;
    this.order = order;
    this.sections = sections;
    this.segments = segments;
  }

  /** True when the channel starts with the ELF magic (the position is left at 0 afterwards). */
  public static boolean isElf(SeekableByteChannel ch) throws IOException {
    if (ch.size() < 52) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(4);
    ch.position(0);
    readFully(ch, b);
    ch.position(0);
    return b.get(0) == MAGIC[0]
        && b.get(1) == MAGIC[1]
        && b.get(2) == MAGIC[2]
        && b.get(3) == MAGIC[3];
  }

  /**
   * Reads the headers.
   *
   * @throws ElfFormatException when the file is not a well-formed ELF file
   */
  public static ElfFile read(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer ident = read(ch, 0, 16);
    if (ident.get(0) != MAGIC[0]
        || ident.get(1) != MAGIC[1]
        || ident.get(2) != MAGIC[2]
        || ident.get(3) != MAGIC[3]) {
      throw new ElfFormatException("no ELF magic");
    }
    boolean is64 =
        switch (ident.get(4)) {
          case 1 -> false;
          case 2 -> true;
          default -> throw new ElfFormatException("bad ELF class " + ident.get(4));
        };
    ByteOrder order =
        switch (ident.get(5)) {
          case 1 -> ByteOrder.LITTLE_ENDIAN;
          case 2 -> ByteOrder.BIG_ENDIAN;
          default -> throw new ElfFormatException("bad ELF data encoding " + ident.get(5));
        };
    ByteBuffer h = read(ch, 0, is64 ? 64 : 52).order(order);
    long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
    long shoff = is64 ? h.getLong(40) : Integer.toUnsignedLong(h.getInt(32));
    int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
    int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
    int shentsize = Short.toUnsignedInt(h.getShort(is64 ? 58 : 46));
    int shnum = Short.toUnsignedInt(h.getShort(is64 ? 60 : 48));
    int shstrndx = Short.toUnsignedInt(h.getShort(is64 ? 62 : 50));

    List<Segment> segments = new ArrayList<>();
    if (phnum > 0) {
      if (phentsize < (is64 ? 56 : 32)) {
        throw new ElfFormatException("bad program header size " + phentsize);
      }
      check(phoff, (long) phnum * phentsize, size, "program headers");
      ByteBuffer ph = read(ch, phoff, phnum * phentsize).order(order);
      for (int i = 0; i < phnum; i++) {
        int o = i * phentsize;
        int type = ph.getInt(o);
        if (type != 1) { // PT_LOAD
          continue;
        }
        if (is64) {
          segments.add(new Segment(ph.getLong(o + 16), ph.getLong(o + 8), ph.getLong(o + 32)));
        } else {
          segments.add(
              new Segment(
                  Integer.toUnsignedLong(ph.getInt(o + 8)),
                  Integer.toUnsignedLong(ph.getInt(o + 4)),
                  Integer.toUnsignedLong(ph.getInt(o + 16))));
        }
      }
    }

    List<Section> sections = new ArrayList<>();
    if (shnum > 0 && shoff != 0) {
      if (shnum > MAX_SECTIONS || shentsize < (is64 ? 64 : 40)) {
        throw new ElfFormatException("bad section header table");
      }
      check(shoff, (long) shnum * shentsize, size, "section headers");
      ByteBuffer sh = read(ch, shoff, shnum * shentsize).order(order);
      long[][] raw = new long[shnum][5];
      for (int i = 0; i < shnum; i++) {
        int o = i * shentsize;
        if (is64) {
          raw[i] =
              new long[] {
                Integer.toUnsignedLong(sh.getInt(o)),
                sh.getInt(o + 4),
                sh.getLong(o + 16),
                sh.getLong(o + 24),
                sh.getLong(o + 32)
              };
        } else {
          raw[i] =
              new long[] {
                Integer.toUnsignedLong(sh.getInt(o)),
                sh.getInt(o + 4),
                Integer.toUnsignedLong(sh.getInt(o + 12)),
                Integer.toUnsignedLong(sh.getInt(o + 16)),
                Integer.toUnsignedLong(sh.getInt(o + 20))
              };
        }
      }
      if (shstrndx >= shnum) {
        throw new ElfFormatException("bad section name table index " + shstrndx);
      }
      long[] strtab = raw[shstrndx];
      check(strtab[3], strtab[4], size, "section name table");
      if (strtab[4] > 16 * 1024 * 1024) {
        throw new ElfFormatException("section name table too large");
      }
      ByteBuffer names = read(ch, strtab[3], (int) strtab[4]);
      for (long[] s : raw) {
        sections.add(new Section(cString(names, (int) s[0]), (int) s[1], s[2], s[3], s[4]));
      }
    }
    return new ElfFile(ch, is64, order, List.copyOf(sections), segments);
  }

  public boolean is64() {
    return is64;
  }

  public ByteOrder order() {
    return order;
  }

  public List<Section> sections() {
    return sections;
  }

  /** The section with this name, or null. */
  public Section section(String name) {
    for (Section s : sections) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** The contents of a section (not for SHT_NOBITS), at most {@code max} bytes. */
  public byte[] contents(Section s, int max) throws IOException {
    if (s.type() == 8) { // SHT_NOBITS
      return new byte[0];
    }
    check(s.offset(), s.size(), channel.size(), "section " + s.name());
    int n = (int) Math.min(s.size(), max);
    ByteBuffer b = read(channel, s.offset(), n);
    return b.array();
  }

  /**
   * {@code length} bytes of a section from {@code from} (relative to the section's start), for
   * reading large sections in pieces.
   */
  public byte[] contents(Section s, long from, int length) throws IOException {
    if (s.type() == 8 || from < 0 || length < 0 || from > s.size() - length) {
      throw new ElfFormatException("bytes " + from + "+" + length + " beyond section " + s.name());
    }
    check(s.offset() + from, length, channel.size(), "section " + s.name());
    return read(channel, s.offset() + from, length).array();
  }

  /** {@code length} bytes at virtual address {@code vaddr}, through the loadable segments. */
  public byte[] readAt(long vaddr, int length) throws IOException {
    for (Segment seg : segments) {
      if (vaddr >= seg.vaddr() && vaddr + length <= seg.vaddr() + seg.fileSize()) {
        long off = seg.offset() + (vaddr - seg.vaddr());
        check(off, length, channel.size(), "address 0x" + Long.toHexString(vaddr));
        return read(channel, off, length).array();
      }
    }
    throw new ElfFormatException("address 0x" + Long.toHexString(vaddr) + " is in no segment");
  }

  private static void check(long offset, long length, long size, String what)
      throws ElfFormatException {
    if (offset < 0 || length < 0 || offset > size - length) { // no overflow for huge offsets
      throw new ElfFormatException(what + " beyond the end of the file");
    }
  }

  private static ByteBuffer read(SeekableByteChannel ch, long offset, int length)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    ch.position(offset);
    readFully(ch, b);
    return b.flip();
  }

  private static void readFully(SeekableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("unexpected end of file");
      }
    }
  }

  private static String cString(ByteBuffer b, int at) {
    if (at < 0 || at >= b.limit()) {
      return "";
    }
    int end = at;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    byte[] s = new byte[end - at];
    b.get(at, s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
