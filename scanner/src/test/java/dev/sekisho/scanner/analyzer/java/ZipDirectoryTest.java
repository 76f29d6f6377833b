package dev.sekisho.scanner.analyzer.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/** Zips written by the JDK's ZipOutputStream, read back through their central directory. */
class ZipDirectoryTest {
  private static final byte[] TEXT =
      "Manifest-Version: 1.0\nCreated-By: test\n".repeat(50).getBytes(StandardCharsets.UTF_8);
  private static final byte[] RANDOM = random(100_000);

  @Test
  void picksEntriesInDirectoryOrderAndReadsStoredAndDeflatedData() throws IOException {
    byte[] zip =
        zip(
            deflated("META-INF/"),
            deflated("META-INF/MANIFEST.MF", TEXT),
            stored("lib/ünïcode-1.0.jar", RANDOM),
            deflated("com/example/A.class", RANDOM));
    ZipDirectory dir = read(zip, 1 << 20);
    List<ZipDirectory.Entry> all = dir.entries(name -> true);
    assertThat(all)
        .extracting(ZipDirectory.Entry::name)
        .containsExactly("META-INF/MANIFEST.MF", "lib/ünïcode-1.0.jar", "com/example/A.class");
    assertThat(readAll(dir, all.get(0))).isEqualTo(TEXT);
    assertThat(readAll(dir, all.get(1))).isEqualTo(RANDOM);
    assertThat(readAll(dir, all.get(2))).isEqualTo(RANDOM);
    // the predicate sees raw bytes as ISO-8859-1
    assertThat(dir.entries(name -> name.endsWith(".class")))
        .extracting(ZipDirectory.Entry::name)
        .containsExactly("com/example/A.class");
  }

  @Test
  void dataBeforeTheArchiveMovesEveryOffset() throws IOException {
    byte[] zip = zip(deflated("a.txt", TEXT), stored("b.bin", RANDOM));
    byte[] script = "#!/bin/sh\nexec java -jar \"$0\"\n".getBytes(StandardCharsets.UTF_8);
    byte[] both = new byte[script.length + zip.length];
    System.arraycopy(script, 0, both, 0, script.length);
    System.arraycopy(zip, 0, both, script.length, zip.length);
    ZipDirectory dir = read(both, 1 << 20);
    List<ZipDirectory.Entry> all = dir.entries(name -> true);
    assertThat(readAll(dir, all.get(0))).isEqualTo(TEXT);
    assertThat(readAll(dir, all.get(1))).isEqualTo(RANDOM);
  }

  @Test
  void noDirectoryToUse() throws IOException {
    assertThat(read("not a zip at all, just some text".getBytes(), 1 << 20)).isNull();
    assertThat(read(new byte[5], 1 << 20)).isNull();
    byte[] zip = zip(deflated("a.txt", TEXT));
    // cut inside the central directory: the end record is gone
    assertThat(read(java.util.Arrays.copyOf(zip, zip.length - 30), 1 << 20)).isNull();
    // a directory larger than the limit
    assertThat(read(zip, 10)).isNull();
  }

  @Test
  void zip64IsLeftToTheStream() throws IOException {
    ZipEntry[] many = new ZipEntry[70_000];
    byte[][] data = new byte[many.length][];
    for (int i = 0; i < many.length; i++) {
      many[i] = new ZipEntry("e" + i);
      data[i] = new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (ZipEntry e : many) {
        z.putNextEntry(e);
        z.closeEntry();
      }
    }
    assertThat(read(out.toByteArray(), 64 << 20)).isNull();
  }

  @Test
  void damagedEntriesAreReportedAndTheOthersStillRead() throws IOException {
    byte[] zip = zip(stored("a.bin", RANDOM), deflated("b.txt", TEXT));
    // the local header of a.bin no longer starts with its signature
    byte[] badHeader = zip.clone();
    badHeader[0] = 'X';
    ZipDirectory dir = read(badHeader, 1 << 20);
    List<ZipDirectory.Entry> all = dir.entries(name -> true);
    assertThatThrownBy(() -> dir.open(all.get(0)))
        .isInstanceOf(ZipException.class)
        .hasMessage("no local header where the central directory says");
    assertThat(readAll(dir, all.get(1))).isEqualTo(TEXT);

    // b.txt's method in the central directory says 12 (bzip2)
    byte[] otherMethod = zip.clone();
    int central = lastIndexOf(otherMethod, "b.txt") - 46;
    otherMethod[central + 10] = 12;
    ZipDirectory dir2 = read(otherMethod, 1 << 20);
    ZipDirectory.Entry b = dir2.entries(name -> name.equals("b.txt")).getFirst();
    assertThatThrownBy(() -> dir2.open(b))
        .isInstanceOf(ZipException.class)
        .hasMessage("unsupported compression method 12");
  }

  private static ZipDirectory read(byte[] zip, int maxBytes) throws IOException {
    return ZipDirectory.read(new SeekableInMemoryByteChannel(zip), maxBytes);
  }

  private static byte[] readAll(ZipDirectory dir, ZipDirectory.Entry e) throws IOException {
    try (InputStream in = dir.open(e)) {
      return in.readAllBytes();
    }
  }

  private record Item(ZipEntry entry, byte[] data) {}

  private static Item deflated(String name, byte[]... data) {
    return new Item(new ZipEntry(name), data.length == 0 ? new byte[0] : data[0]);
  }

  private static Item stored(String name, byte[] data) {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    return new Item(e, data);
  }

  private static byte[] zip(Item... items) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Item i : items) {
        z.putNextEntry(i.entry());
        z.write(i.data());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static int lastIndexOf(byte[] hay, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = hay.length - n.length; i >= 0; i--) {
      for (int j = 0; j < n.length; j++) {
        if (hay[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(needle + " not found");
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
