package dev.sekisho.scanner.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.sekisho.testkit.ChildProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer tar reader, held to Commons Compress's reader on archives Commons Compress writes
 * (ustar, pax and GNU long names, every entry type), and to GNU tar's output for sparse files.
 */
class TarReaderTest {
  @TempDir Path dir;

  /** What a reader saw of one entry: name, link, type, size, mode and content. */
  private record Seen(
      String name, String link, TarReader.Type type, long size, int mode, String data) {}

  @Test
  void readsWhatCommonsCompressReadsOnRandomArchives() throws IOException {
    Random random = new Random(42);
    for (int archive = 0; archive < 40; archive++) {
      for (int longFileMode :
          new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
        byte[] tar = randomArchive(random, longFileMode);
        assertThat(withTarReader(tar)).isEqualTo(withCommonsCompress(tar));
      }
    }
  }

  @Test
  void base256SizesAndStarPrefixes() throws IOException {
    byte[] data = "hello, base-256\n".getBytes(StandardCharsets.UTF_8);
    byte[] tar = archive(TarArchiveOutputStream.LONGFILE_POSIX, file("a/b.txt", data, 0644));
    // rewrite the size field in base-256, as writers do for sizes over 8 GiB
    byte[] header = Arrays.copyOf(tar, 512);
    Arrays.fill(header, 124, 136, (byte) 0);
    header[124] = (byte) 0x80;
    header[135] = (byte) data.length;
    System.arraycopy(checksummed(header), 0, tar, 0, 512);
    List<Seen> seen = withTarReader(tar);
    assertThat(seen).hasSize(1);
    assertThat(seen.getFirst().size()).isEqualTo(data.length);
    assertThat(seen.getFirst().data()).isEqualTo(sha256(data));
  }

  @Test
  void headerOnlyTypesCarryNoContentWhateverTheirSize() throws IOException {
    // a hard link whose header claims 10 bytes, followed directly by the next header
    byte[] first = header("link", '1', 10, "target");
    byte[] second = header("after.txt", '0', 3, "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    out.write(second);
    out.write("abc".getBytes(StandardCharsets.UTF_8));
    out.write(new byte[509 + 1024]);
    TarReader reader = new TarReader(new ByteArrayInputStream(out.toByteArray()));
    TarReader.Entry link = reader.next();
    assertThat(link.type()).isEqualTo(TarReader.Type.HARD_LINK);
    assertThat(link.linkName()).isEqualTo("target");
    assertThat(reader.content().read()).isEqualTo(-1);
    TarReader.Entry after = reader.next();
    assertThat(after.name()).isEqualTo("after.txt");
    assertThat(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("abc");
    assertThat(reader.next()).isNull();
  }

  @Test
  void globalPaxHeadersAreSkipped() throws IOException {
    byte[] records = "30 comment=a global comment\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header("pax_global_header", 'g', records.length, ""));
    out.write(records);
    out.write(new byte[512 - records.length]);
    out.write(header("x.txt", '0', 0, ""));
    out.write(new byte[1024]);
    TarReader reader = new TarReader(new ByteArrayInputStream(out.toByteArray()));
    assertThat(reader.next().name()).isEqualTo("x.txt");
    assertThat(reader.next()).isNull();
  }

  @Test
  void sparseFilesFromGnuTarAreFlaggedAndSkipped() throws Exception {
    assumeThat(onPath("tar")).as("GNU tar on the PATH").isTrue();
    Path src = Files.createDirectories(dir.resolve("src"));
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse.db").toFile(), "rw")) {
      f.setLength(8L << 20);
      f.seek(1 << 20);
      f.write("in the middle".getBytes(StandardCharsets.UTF_8));
      f.seek((8L << 20) - 5);
      f.write("end!\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(src.resolve("z-after.txt"), "after the sparse file\n");
    for (List<String> format :
        List.of(
            List.of("--format=gnu"),
            List.of("--format=pax", "--sparse-version=0.1"),
            List.of("--format=pax", "--sparse-version=1.0"))) {
      Path tar = dir.resolve("sparse.tar");
      List<String> command = new ArrayList<>(List.of("tar", "-S"));
      command.addAll(format);
      command.addAll(
          List.of("-cf", tar.toString(), "-C", src.toString(), "sparse.db", "z-after.txt"));
      ChildProcess.Result p =
          ChildProcess.run(
              new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(60));
      assertThat(p.exitCode()).as(p.stdout()).isZero();
      TarReader reader = new TarReader(new ByteArrayInputStream(Files.readAllBytes(tar)));
      TarReader.Entry sparse = reader.next();
      assertThat(sparse.name()).as(format.toString()).isEqualTo("sparse.db");
      assertThat(sparse.sparse()).as(format.toString()).isTrue();
      assertThat(sparse.size()).as(format.toString()).isEqualTo(8L << 20);
      TarReader.Entry after = reader.next();
      assertThat(after.name()).as(format.toString()).isEqualTo("z-after.txt");
      assertThat(after.sparse()).isFalse();
      assertThat(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("after the sparse file\n");
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void damageIsReportedNeverGuessedOver() throws IOException {
    byte[] tar =
        archive(TarArchiveOutputStream.LONGFILE_POSIX, file("a.txt", new byte[1000], 0644));

    byte[] badChecksum = tar.clone();
    badChecksum[0] = 'b';
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(badChecksum)).next())
        .isInstanceOf(IOException.class)
        .hasMessage("tar header checksum mismatch (after the start)");

    TarReader cut = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 700)));
    assertThat(cut.next().name()).isEqualTo("a.txt");
    assertThatThrownBy(() -> cut.content().readAllBytes())
        .isInstanceOf(EOFException.class)
        .hasMessage("tar archive ends inside entry a.txt");

    TarReader cutHeader = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 1536 + 100)));
    cutHeader.next();
    assertThatThrownBy(cutHeader::next)
        .isInstanceOf(EOFException.class)
        .hasMessage("tar archive ends inside a header (after entry a.txt)");

    // the end of the stream between entries, without the two zero blocks, is an end
    TarReader noTrailer = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 1536)));
    assertThat(noTrailer.next().name()).isEqualTo("a.txt");
    assertThat(noTrailer.next()).isNull();
  }

  // ----------------------------------------------------------------- archives and readers

  private record Item(TarArchiveEntry entry, byte[] data) {}

  private static Item file(String name, byte[] data, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(mode);
    return new Item(e, data);
  }

  private static byte[] randomArchive(Random random, int longFileMode) throws IOException {
    String[] parts = {"usr", "lib", "ü", "日本", "node_modules", "a b", "x".repeat(60), ".wh.gone"};
    List<Item> items = new ArrayList<>();
    int n = 1 + random.nextInt(30);
    for (int i = 0; i < n; i++) {
      StringBuilder name = new StringBuilder();
      int depth = 1 + random.nextInt(5);
      for (int d = 0; d < depth; d++) {
        name.append(d == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
      }
      name.append(i);
      String path = name.toString();
      int kind = random.nextInt(10);
      TarArchiveEntry e;
      byte[] data = new byte[0];
      switch (kind) {
        case 0 -> e = new TarArchiveEntry(path + "/");
        case 1 -> {
          e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
          e.setLinkName("../" + parts[random.nextInt(parts.length)] + "/target");
        }
        case 2 -> {
          e = new TarArchiveEntry(path, TarConstants.LF_LINK);
          e.setLinkName(items.isEmpty() ? "missing" : items.getFirst().entry().getName());
        }
        case 3 -> e = new TarArchiveEntry(path, TarConstants.LF_FIFO);
        case 4 -> {
          e = new TarArchiveEntry(path, TarConstants.LF_CHR);
          e.setDevMajor(1);
          e.setDevMinor(3);
        }
        default -> {
          e = new TarArchiveEntry(path);
          int size =
              switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 512 * (1 + random.nextInt(4));
                default -> random.nextInt(100_000);
              };
          data = new byte[size];
          random.nextBytes(data);
          e.setSize(size);
        }
      }
      e.setMode(random.nextInt(010000));
      items.add(new Item(e, data));
    }
    return archive(longFileMode, items.toArray(Item[]::new));
  }

  private static byte[] archive(int longFileMode, Item... items) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(longFileMode);
      tar.setAddPaxHeadersForNonAsciiNames(longFileMode == TarArchiveOutputStream.LONGFILE_POSIX);
      for (Item i : items) {
        tar.putArchiveEntry(i.entry());
        tar.write(i.data());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static List<Seen> withTarReader(byte[] tar) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    List<Seen> seen = new ArrayList<>();
    TarReader.Entry e;
    while ((e = reader.next()) != null) {
      seen.add(
          new Seen(
              e.name(),
              e.linkName(),
              e.type(),
              e.size(),
              e.mode(),
              sha256(reader.content().readAllBytes())));
    }
    return seen;
  }

  private static List<Seen> withCommonsCompress(byte[] tar) throws IOException {
    List<Seen> seen = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar), StandardCharsets.UTF_8.name())) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        TarReader.Type type;
        if (e.isDirectory()) {
          type = TarReader.Type.DIRECTORY;
        } else if (e.isSymbolicLink()) {
          type = TarReader.Type.SYMLINK;
        } else if (e.isLink()) {
          type = TarReader.Type.HARD_LINK;
        } else if (LayerWalker.isRegularFile(e)) {
          type = TarReader.Type.FILE;
        } else {
          type = TarReader.Type.OTHER;
        }
        byte[] data = type == TarReader.Type.FILE ? in.readAllBytes() : new byte[0];
        seen.add(
            new Seen(
                e.getName(),
                e.getLinkName(),
                type,
                type == TarReader.Type.FILE ? e.getSize() : 0,
                e.getMode() & 07777,
                sha256(data)));
      }
    }
    return seen;
  }

  // ----------------------------------------------------------------- hand-made headers

  private static byte[] header(String name, char type, long size, String link) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 157, link);
    put(h, 257, "ustar");
    put(h, 263, "00");
    return checksummed(h);
  }

  private static byte[] checksummed(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, offset, b.length);
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
