package dev.sekisho.scanner.analyzer.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-Go-1.18 layout of {@code .go.buildinfo}: the header holds two pointers to Go string
 * headers ({data pointer, length}) elsewhere in the loaded image, instead of inline strings. The Go
 * toolchain installed for tests only writes the inline layout (GoBinaryAnalyzerTest reads a real
 * binary in it), so these tests lay out a minimal ELF file the way the Go 1.13-1.17 linker did: one
 * PT_LOAD segment, a .go.buildinfo section, and the strings with the runtime's 16-byte module-info
 * sentinels around them.
 */
class GoBuildInfoTest {
  private static final long BASE = 0x400000;
  // runtime/debug's modinfo framing, as cmd/go wrote it before Go 1.18
  private static final byte[] START = hex("3077af0c9274080241e1c107e6d618e6");
  private static final byte[] END = hex("f932433186182072008242104116d8f2");

  @TempDir Path dir;

  @Test
  void readsPointerLayoutOfGo117Binaries() throws IOException {
    String modinfo =
        "path\texample.com/app\n"
            + "mod\texample.com/app\t(devel)\t\n"
            + "dep\tgithub.com/pkg/errors\tv0.9.1\th1:abc=\n"
            + "dep\texample.com/old\tv1.0.0\n"
            + "=>\texample.com/fork\tv1.5.0\th1:def=\n";
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      for (int ptrSize : new int[] {8, 4}) {
        GoBuildInfo info = read(elf(order, ptrSize, "go1.17.13", framed(modinfo)));

        assertThat(info.goVersion()).as("%s %d", order, ptrSize).isEqualTo("go1.17.13");
        assertThat(info.path()).isEqualTo("example.com/app");
        assertThat(info.main())
            .isEqualTo(new GoBuildInfo.Module("example.com/app", "(devel)", null));
        assertThat(info.deps())
            .containsExactly(
                new GoBuildInfo.Module("github.com/pkg/errors", "v0.9.1", null),
                new GoBuildInfo.Module("example.com/fork", "v1.5.0", "example.com/old"));
      }
    }
  }

  @Test
  void buildSettingsGiveTheBinarysPlatform() {
    GoBuildInfo info =
        GoBuildInfo.parse(
            "go1.22.3",
            "path\texample.com/app\n"
                + "mod\texample.com/app\tv1.0.0\t\n"
                + "build\t-compiler=gc\n"
                + "build\tCGO_ENABLED=0\n"
                + "build\tGOARCH=arm64\n"
                + "build\tGOOS=linux\n");

    assertThat(info.goos()).isEqualTo("linux");
    assertThat(info.goarch()).isEqualTo("arm64");
    assertThat(GoBinaryAnalyzer.packages(info, new dev.sekisho.scanner.model.Location(null, "/a")))
        .extracting(dev.sekisho.scanner.model.Package::metadata)
        .allSatisfy(
            m ->
                assertThat(m)
                    .isInstanceOfSatisfying(
                        dev.sekisho.scanner.model.PackageMetadata.GoModule.class,
                        g -> assertThat(g.goos() + "/" + g.goarch()).isEqualTo("linux/arm64")));
    assertThat(GoBuildInfo.parse("go1.16.15", "").goos()).isNull();
  }

  @Test
  void binaryBuiltOutsideModuleModeHasAVersionButNoModules() throws IOException {
    GoBuildInfo info = read(elf(ByteOrder.LITTLE_ENDIAN, 8, "go1.16.15", new byte[0]));

    assertThat(info.goVersion()).isEqualTo("go1.16.15");
    assertThat(info.main()).isNull();
    assertThat(info.deps()).isEmpty();
  }

  @Test
  void pointerOutsideEverySegmentIsAFormatError() throws IOException {
    byte[] file = elf(ByteOrder.LITTLE_ENDIAN, 8, "go1.17", framed("path\tx\n"));
    // the version pointer sits right after the 16-byte header prefix of the section
    ByteBuffer.wrap(file)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(sectionOffset() + 16, 0x7000_0000L);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ElfFormatException.class)
        .hasMessageContaining("is in no segment");
  }

  private GoBuildInfo read(byte[] file) throws IOException {
    Path p = dir.resolve("bin");
    Files.write(p, file);
    try (SeekableByteChannel ch = Files.newByteChannel(p)) {
      return GoBuildInfo.read(ElfFile.read(ch));
    }
  }

  private static byte[] framed(String modinfo) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(START);
    out.writeBytes(modinfo.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(END);
    return out.toByteArray();
  }

  /** Where the .go.buildinfo section starts in the files {@link #elf} writes. */
  private static int sectionOffset() {
    return 64 + 56; // ELF64 header + one program header; the 32-bit variant pads to the same offset
  }

  /**
   * An ELF file: header, one PT_LOAD program header mapping the whole file at {@link #BASE}, the
   * 32-byte .go.buildinfo section, the two Go string headers and their bytes, a section name table
   * and the section headers (null, .go.buildinfo, .shstrtab).
   */
  private static byte[] elf(ByteOrder order, int ptrSize, String version, byte[] modinfo) {
    boolean is64 = ptrSize == 8;
    int sec = sectionOffset();
    int headers = sec + 32; // the two string headers follow the section
    int versionBytes = headers + 4 * ptrSize;
    int modBytes = versionBytes + version.length();
    byte[] names = "\0.go.buildinfo\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
    int namesAt = modBytes + modinfo.length;
    int shoff = (namesAt + names.length + 7) & ~7;
    int shentsize = is64 ? 64 : 40;
    int size = shoff + 3 * shentsize;
    ByteBuffer b = ByteBuffer.allocate(size).order(order);

    b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1)});
    b.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2)).put((byte) 1);
    if (is64) {
      b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
      b.putLong(32, 64).putLong(40, shoff);
      b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
      b.putShort(58, (short) shentsize).putShort(60, (short) 3).putShort(62, (short) 2);
      // PT_LOAD: type, flags, offset, vaddr, paddr, filesz, memsz, align
      b.putInt(64, 1).putInt(68, 4).putLong(72, 0).putLong(80, BASE).putLong(88, BASE);
      b.putLong(96, size).putLong(104, size).putLong(112, 0x1000);
    } else {
      b.putShort(16, (short) 2).putShort(18, (short) 3).putInt(20, 1);
      b.putInt(28, 52).putInt(32, shoff);
      b.putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) 1);
      b.putShort(46, (short) shentsize).putShort(48, (short) 3).putShort(50, (short) 2);
      // PT_LOAD: type, offset, vaddr, paddr, filesz, memsz, flags, align
      b.putInt(52, 1).putInt(56, 0).putInt(60, (int) BASE).putInt(64, (int) BASE);
      b.putInt(68, size).putInt(72, size).putInt(76, 4).putInt(80, 0x1000);
    }

    b.put(sec, "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
    b.put(sec + 14, (byte) ptrSize).put(sec + 15, (byte) (order == ByteOrder.BIG_ENDIAN ? 1 : 0));
    putPtr(b, sec + 16, ptrSize, BASE + headers);
    putPtr(b, sec + 16 + ptrSize, ptrSize, BASE + headers + 2L * ptrSize);
    putPtr(b, headers, ptrSize, BASE + versionBytes);
    putPtr(b, headers + ptrSize, ptrSize, version.length());
    putPtr(b, headers + 2 * ptrSize, ptrSize, BASE + modBytes);
    putPtr(b, headers + 3 * ptrSize, ptrSize, modinfo.length);
    b.put(versionBytes, version.getBytes(StandardCharsets.US_ASCII));
    b.put(modBytes, modinfo);
    b.put(namesAt, names);

    section(b, is64, shoff + shentsize, 1, 1, BASE + sec, sec, 32);
    section(b, is64, shoff + 2 * shentsize, 15, 3, 0, namesAt, names.length);
    return b.array();
  }

  private static void section(
      ByteBuffer b, boolean is64, int at, int name, int type, long addr, int offset, int size) {
    b.putInt(at, name).putInt(at + 4, type);
    if (is64) {
      b.putLong(at + 16, addr).putLong(at + 24, offset).putLong(at + 32, size);
    } else {
      b.putInt(at + 12, (int) addr).putInt(at + 16, offset).putInt(at + 20, size);
    }
  }

  private static void putPtr(ByteBuffer b, int at, int size, long value) {
    if (size == 8) {
      b.putLong(at, value);
    } else {
      b.putInt(at, (int) value);
    }
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
