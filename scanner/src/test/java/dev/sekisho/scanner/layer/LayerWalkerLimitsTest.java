package dev.sekisho.scanner.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.testing.PackageListAnalyzer;
import dev.sekisho.scanner.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on temporary copies: a layer of gzip'd zeros that declares a huge jar must not be
 * written out to disk. The large entries here are generated as a stream of zeros, never held in
 * memory.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LayerWalkerLimitsTest {
  private static final String LAYER = "sha256:" + "b".repeat(64);

  @TempDir Path temp;

  /** Wants *.jar and reads it with random access, as the jar and binary analyzers do. */
  static final class RandomAccess implements Analyzer {
    final List<String> read = new CopyOnWriteArrayList<>();

    public String name() {
      return "random";
    }

    public int version() {
      return 1;
    }

    public boolean required(String path, FileInfo info) {
      return path.endsWith(".jar");
    }

    public AnalysisResult analyze(AnalysisInput input) throws IOException {
      SeekableByteChannel ch = input.channel();
      ch.position(ch.size() - 1);
      ch.read(ByteBuffer.allocate(1));
      read.add(input.path());
      return AnalysisResult.EMPTY;
    }
  }

  /** Wants *.jar and counts its bytes through the stream. */
  static final class Streaming implements Analyzer {
    final List<Long> sizes = new CopyOnWriteArrayList<>();

    public String name() {
      return "streaming";
    }

    public int version() {
      return 1;
    }

    public boolean required(String path, FileInfo info) {
      return path.endsWith(".jar");
    }

    public AnalysisResult analyze(AnalysisInput input) throws IOException {
      sizes.add(input.stream().transferTo(OutputStream.nullOutputStream()));
      return AnalysisResult.EMPTY;
    }
  }

  @Test
  void aFileOverTheLimitIsNotCopiedButReportedAndStreamingAnalyzersStillRead() throws IOException {
    Path spill = Files.createDirectory(temp.resolve("spill"));
    RandomAccess random = new RandomAccess();
    Streaming streaming = new Streaming();
    PackageListAnalyzer after = new PackageListAnalyzer("pkgs", 1, true);
    LayerWalker walker =
        new LayerWalker(
            List.of(random, streaming, after), 1024, spill, new SpillLimits(64 << 10, 1 << 30));

    LayerResult r =
        walker.walk(
            LAYER,
            () ->
                layer(
                    "app/huge.jar",
                    1 << 20,
                    new TarBuilder()
                        .file("app/small.jar", "x".repeat(2000))
                        .file("app/z.pkgs", "after 1.0\n" + "#".repeat(4000))));

    assertThat(random.read).containsExactly("app/small.jar");
    assertThat(streaming.sizes).containsExactly(1L << 20, 2000L);
    assertThat(r.files().get("app/huge.jar").warnings())
        .extracting(ScanWarning::message)
        .containsExactly(
            "not analysed by random: the file is 1.0 MiB (1048576 bytes), over the 64.0 KiB"
                + " limit on copying one file to a temporary file for analysis (raise it with"
                + " -Dsekisho.temp.maxFile=SIZE, e.g. in SEKISHO_JAVA_OPTS)");
    assertThat(r.files().get("app/huge.jar").warnings().get(0).location().path())
        .isEqualTo("/app/huge.jar");
    assertThat(r.files().get("app/z.pkgs").packages())
        .extracting(Package::name)
        .containsExactly("after");
    assertThat(r.limited()).as("a limited result is not to be cached").isTrue();
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void hardLinksToAFileOverTheLimitAreReportedToo() throws IOException {
    Path spill = Files.createDirectory(temp.resolve("spill"));
    RandomAccess random = new RandomAccess();
    LayerWalker walker =
        new LayerWalker(List.of(random), 1024, spill, new SpillLimits(64 << 10, 1 << 30));

    LayerResult r =
        walker.walk(
            LAYER,
            () ->
                layer(
                    "opt/huge.jar",
                    1 << 20,
                    new TarBuilder()
                        .hardlink("opt/one.jar", "opt/huge.jar")
                        .hardlink("opt/two.jar", "opt/huge.jar")));

    assertThat(random.read).isEmpty();
    for (String path : List.of("opt/huge.jar", "opt/one.jar", "opt/two.jar")) {
      assertThat(r.files().get(path).warnings())
          .as(path)
          .singleElement()
          .satisfies(
              w ->
                  assertThat(w.message())
                      .startsWith("not analysed by random: the file is 1.0 MiB (1048576 bytes)"));
    }
    assertThat(r.limited()).isTrue();
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void theScanTotalBoundsTheCopiesOnDiskAtOnceNotEveryCopyEverMade() throws IOException {
    Path spill = Files.createDirectory(temp.resolve("spill"));
    RandomAccess random = new RandomAccess();
    LayerWalker walker =
        new LayerWalker(List.of(random), 1024, spill, new SpillLimits(1 << 20, (3 << 20) / 2));

    // each copy is deleted when its analyzers return, and gives its bytes back: 2 MiB copied in
    // all, never more than 1 MiB on disk at once (the refusal itself is in SpillAreaTest)
    LayerResult first =
        walker.walk("sha256:" + "1".repeat(64), () -> layer("a.jar", 1 << 20, null));
    LayerResult second =
        walker.walk("sha256:" + "2".repeat(64), () -> layer("b.jar", 1 << 20, null));

    assertThat(random.read).containsExactly("a.jar", "b.jar");
    assertThat(first.limited()).isFalse();
    assertThat(second.limited()).isFalse();
    try (var left = Files.list(spill)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * Issue #24: a gigabyte of zeros gzip'd to about a megabyte must not become a gigabyte on disk.
   */
  @Test
  void byDefaultAGibibyteJarFromASmallGzipLayerIsNotWrittenToDisk() throws IOException {
    long size = SpillLimits.DEFAULT.maxFileBytes() + 1;
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (InputStream tar = layer("app/bomb.jar", size, null);
        OutputStream out =
            new GZIPOutputStream(gz, 1 << 16) {
              {
                def.setLevel(Deflater.BEST_SPEED);
              }
            }) {
      tar.transferTo(out);
    }
    assertThat(gz.size()).isLessThan(16 << 20);
    byte[] blob = gz.toByteArray();
    Path spill = Files.createDirectory(temp.resolve("spill"));
    RandomAccess random = new RandomAccess();

    LayerResult r =
        new LayerWalker(List.of(random), LayerWalker.DEFAULT_MEMORY_LIMIT, spill)
            .walk(LAYER, () -> new ByteArrayInputStream(blob));

    assertThat(random.read).isEmpty();
    assertThat(r.files().get("app/bomb.jar").warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .contains("the file is 1.0 GiB (" + size + " bytes), over the 1.0 GiB limit")
                    .contains("-Dsekisho.temp.maxFile="));
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void staleTemporaryFilesOfKilledRunsAreSweptAndOthersKept() throws IOException {
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    Path old = Files.writeString(temp.resolve("sekisho-spill-1.tmp"), "x");
    Path oldRpm = Files.writeString(temp.resolve("sekisho-rpmdb-2.sqlite"), "x");
    Path fresh = Files.writeString(temp.resolve("sekisho-spill-3.tmp"), "x");
    Path other = Files.writeString(temp.resolve("unrelated.tmp"), "x");
    FileTime twoHoursAgo = FileTime.from(now.minusSeconds(7200));
    for (Path p : List.of(old, oldRpm, other)) {
      Files.setLastModifiedTime(p, twoHoursAgo);
    }
    Files.setLastModifiedTime(fresh, FileTime.from(now.minusSeconds(60)));

    assertThat(SpillArea.sweepStale(temp, now)).isEqualTo(2);

    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("sekisho-spill-3.tmp", "unrelated.tmp");
    }
  }

  @Test
  void limitsComeFromSystemPropertiesAndABadValueNamesTheProperty() {
    Properties p = new Properties();
    assertThat(SpillLimits.from(p)).isEqualTo(SpillLimits.DEFAULT);
    p.setProperty("sekisho.temp.maxFile", "2g");
    p.setProperty("sekisho.temp.maxTotal", "512MiB");
    assertThat(SpillLimits.from(p)).isEqualTo(new SpillLimits(2L << 30, 512L << 20));
    p.setProperty("sekisho.temp.maxFile", "lots");
    assertThatThrownBy(() -> SpillLimits.from(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid -Dsekisho.temp.maxFile=lots: expected a size such as 512m or 2g");
  }

  /**
   * An uncompressed layer: {@code name} with {@code size} zero bytes, streamed, then the entries of
   * {@code rest} (or none) and the end of the archive.
   */
  static InputStream layer(String name, long size, TarBuilder rest) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0100644);
    byte[] header = new byte[512];
    e.writeEntryHeader(header);
    long padding = (512 - size % 512) % 512;
    byte[] tail = rest != null ? rest.tar() : new byte[1024];
    return new SequenceInputStream(
        Collections.enumeration(
            List.of(
                new ByteArrayInputStream(header),
                new Zeros(size + padding),
                new ByteArrayInputStream(tail))));
  }

  /** {@code n} zero bytes, made as they are read. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long n) {
      left = n;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
