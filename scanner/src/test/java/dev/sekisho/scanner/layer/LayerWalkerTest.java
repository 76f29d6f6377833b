package dev.sekisho.scanner.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.VerifyingInputStream;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.testing.PackageListAnalyzer;
import dev.sekisho.scanner.testing.TarBuilder;
import dev.sekisho.testkit.ChildProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerWalkerTest {

  @TempDir Path temp;

  private static byte[] sampleLayer() {
    return new TarBuilder()
        .dir("./")
        .dir("./app")
        .file("./app/deps.pkgs", "left-pad 1.3.0\nlodash 4.17.21\n")
        .file("./app/readme.txt", "not wanted")
        .file("/etc/os-release", "12")
        .whiteout("usr/share/old.pkgs")
        .whiteout("gone")
        .opaque("var/cache")
        .symlink("usr/bin/tool", "../lib/tool")
        .symlink("app/link.pkgs", "deps.pkgs")
        .tar();
  }

  private static LayerWalker.LayerSource verified(byte[] blob) {
    Digest d = Digest.sha256(blob);
    return () ->
        new VerifyingInputStream(new ByteArrayInputStream(blob), d, blob.length, "blob " + d);
  }

  enum Packing {
    NONE(b -> b),
    GZIP(TarBuilder::gzip),
    ZSTD(TarBuilder::zstd);

    final Function<byte[], byte[]> pack;

    Packing(Function<byte[], byte[]> pack) {
      this.pack = pack;
    }
  }

  @ParameterizedTest
  @EnumSource(Packing.class)
  void recordsWhatTheLayerDoesAndAnalysesOnlyRequiredFiles(Packing packing) throws IOException {
    byte[] blob = packing.pack.apply(sampleLayer());
    PackageListAnalyzer analyzer = new PackageListAnalyzer();
    LayerResult r = new LayerWalker(List.of(analyzer)).walk("sha256:l1", verified(blob));

    assertThat(analyzer.seen).containsExactly("app/deps.pkgs", "etc/os-release");
    assertThat(r.files()).containsOnlyKeys("app/deps.pkgs", "etc/os-release");
    assertThat(r.files().get("app/deps.pkgs").packages())
        .extracting(Package::name, Package::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("left-pad", "1.3.0"),
            org.assertj.core.groups.Tuple.tuple("lodash", "4.17.21"));
    assertThat(r.files().get("app/deps.pkgs").packages().get(0).location().toString())
        .isEqualTo("/app/deps.pkgs (layer sha256:l1)");
    assertThat(r.files().get("etc/os-release").os().version()).isEqualTo("12");
    assertThat(r.whiteouts()).containsExactly("gone", "usr/share/old.pkgs");
    assertThat(r.opaqueDirs()).containsExactly("var/cache");
    assertThat(r.writtenFiles())
        .containsExactly(
            "app/deps.pkgs", "app/link.pkgs", "app/readme.txt", "etc/os-release", "usr/bin/tool");
    assertThat(r.writtenDirs()).containsExactly("app");
  }

  @Test
  void tamperedBlobFailsTheLayerEvenAfterAllFilesWereRead() {
    byte[] blob = TarBuilder.gzip(sampleLayer());
    Digest claimed = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    LayerWalker.LayerSource source =
        () ->
            new VerifyingInputStream(
                new ByteArrayInputStream(blob), claimed, blob.length, "blob " + claimed);
    assertThatThrownBy(
            () ->
                new LayerWalker(List.of(new PackageListAnalyzer()))
                    .walk(claimed.toString(), source))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("blob " + claimed)
        .hasMessageContaining("does not match its digest")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.DIGEST_MISMATCH));
  }

  @Test
  void truncatedBlobFailsTheLayer() {
    byte[] full = TarBuilder.gzip(sampleLayer());
    byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
    Digest d = Digest.sha256(full);
    LayerWalker.LayerSource source =
        () -> new VerifyingInputStream(new ByteArrayInputStream(cut), d, full.length, "blob " + d);
    assertThatThrownBy(
            () -> new LayerWalker(List.of(new PackageListAnalyzer())).walk(d.toString(), source))
        .isInstanceOf(IOException.class);
  }

  @Test
  void largeFilesSpillToATemporaryFileThatIsDeletedAndSmallOnesStayInMemory() throws IOException {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      big.append("pkg").append(i).append(" 1.0.").append(i).append('\n');
    }
    byte[] blob =
        new TarBuilder().file("big.pkgs", big.toString()).file("small.pkgs", "a 1\nb 2\n").gzip();
    PackageListAnalyzer channelReader = new PackageListAnalyzer("channel", 1, true);
    Path spill = Files.createDirectory(temp.resolve("spill"));
    List<Path> seenInSpill = new java.util.ArrayList<>();
    Analyzer spy =
        new Analyzer() {
          public String name() {
            return "spy";
          }

          public int version() {
            return 1;
          }

          public boolean required(String path, FileInfo info) {
            return path.endsWith(".pkgs");
          }

          public AnalysisResult analyze(AnalysisInput input) throws IOException {
            input.channel();
            try (Stream<Path> s = Files.list(spill)) {
              seenInSpill.addAll(s.toList());
            }
            return AnalysisResult.EMPTY;
          }
        };
    LayerResult r =
        new LayerWalker(List.of(channelReader, spy), 1024, spill).walk("sha256:l", verified(blob));
    assertThat(r.files().get("big.pkgs").packages()).hasSize(5000);
    assertThat(r.files().get("big.pkgs").packages().get(4999).name()).isEqualTo("pkg4999");
    assertThat(r.files().get("small.pkgs").packages()).hasSize(2);
    assertThat(seenInSpill).as("only the big file was spilled").hasSize(1);
    try (Stream<Path> s = Files.list(spill)) {
      assertThat(s.toList()).as("spilled files are deleted").isEmpty();
    }
  }

  @Test
  void severalAnalyzersReadTheSameFile() throws IOException {
    byte[] blob = new TarBuilder().file("x.pkgs", "a 1\n").tar();
    PackageListAnalyzer one = new PackageListAnalyzer("one", 1, false);
    PackageListAnalyzer two = new PackageListAnalyzer("two", 1, true);
    LayerResult r = new LayerWalker(List.of(one, two)).walk("sha256:l", verified(blob));
    assertThat(one.seen).containsExactly("x.pkgs");
    assertThat(two.seen).containsExactly("x.pkgs");
    assertThat(r.files().get("x.pkgs").packages()).hasSize(2);
  }

  @Test
  void hardLinkToAWantedFileIsAnalysedUnderTheLinkPathWithASecondPass() throws IOException {
    byte[] blob =
        new TarBuilder()
            .file("opt/real.bin", "a 1\n")
            .hardlink("opt/linked.pkgs", "opt/real.bin")
            .hardlink("opt/also.pkgs", "./opt/real.bin")
            .hardlink("opt/dangling.pkgs", "opt/missing")
            .gzip();
    AtomicInteger opens = new AtomicInteger();
    LayerWalker.LayerSource counting =
        () -> {
          opens.incrementAndGet();
          return verified(blob).open();
        };
    PackageListAnalyzer analyzer = new PackageListAnalyzer();
    LayerResult r = new LayerWalker(List.of(analyzer)).walk("sha256:l", counting);
    assertThat(opens).hasValue(2);
    assertThat(r.files().get("opt/linked.pkgs").packages())
        .extracting(Package::name)
        .containsExactly("a");
    assertThat(r.files().get("opt/linked.pkgs").packages().get(0).location().path())
        .isEqualTo("/opt/linked.pkgs");
    assertThat(r.files().get("opt/also.pkgs").packages()).hasSize(1);
    assertThat(r.files().get("opt/dangling.pkgs").warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("hard link to /opt/missing"));
    assertThat(r.writtenFiles()).contains("opt/linked.pkgs", "opt/real.bin");
  }

  @Test
  void layerWithoutHardLinksIsReadOnce() throws IOException {
    AtomicInteger opens = new AtomicInteger();
    byte[] blob = sampleLayer();
    new LayerWalker(List.of(new PackageListAnalyzer()))
        .walk(
            "sha256:l",
            () -> {
              opens.incrementAndGet();
              return verified(blob).open();
            });
    assertThat(opens).hasValue(1);
  }

  @Test
  void analyzerThatThrowsGivesAWarningForThatFileAndTheWalkGoesOn() throws IOException {
    Analyzer broken =
        new Analyzer() {
          public String name() {
            return "broken";
          }

          public int version() {
            return 1;
          }

          public boolean required(String path, FileInfo info) {
            return path.equals("app/deps.pkgs");
          }

          public AnalysisResult analyze(AnalysisInput input) {
            throw new IllegalStateException("boom");
          }
        };
    PackageListAnalyzer good = new PackageListAnalyzer();
    LayerResult r =
        new LayerWalker(List.of(broken, good)).walk("sha256:l", verified(sampleLayer()));
    AnalysisResult deps = r.files().get("app/deps.pkgs");
    assertThat(deps.packages()).hasSize(2);
    assertThat(deps.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.message()).contains("analyzer broken failed").contains("boom");
              assertThat(w.location().toString()).isEqualTo("/app/deps.pkgs (layer sha256:l)");
            });
  }

  @Test
  void pathListsAreSortedWithEachPathOnce() {
    List<String> paths = new java.util.ArrayList<>(List.of("b/x", "a", "b", "a", "b/x", "a/z"));
    assertThat(LayerWalker.sortedDistinct(paths)).containsExactly("a", "a/z", "b", "b/x");
    assertThat(LayerWalker.sortedDistinct(new java.util.ArrayList<>())).isEmpty();
  }

  @Test
  void normalizesEntryNames() {
    assertThat(LayerWalker.normalize("./a/b/")).isEqualTo("a/b");
    assertThat(LayerWalker.normalize("/a//./b")).isEqualTo("a/b");
    assertThat(LayerWalker.normalize("../../etc/passwd")).isEqualTo("etc/passwd");
    assertThat(LayerWalker.normalize("a/../b")).isEqualTo("b");
    assertThat(LayerWalker.normalize("./")).isEmpty();
    assertThat(LayerWalker.normalize("/")).isEmpty();
    assertThat(LayerWalker.normalize("")).isEmpty();
    // already clean, or clean but for a directory's trailing slashes
    assertThat(LayerWalker.normalize("usr/lib/x")).isEqualTo("usr/lib/x");
    assertThat(LayerWalker.normalize("usr/lib/")).isEqualTo("usr/lib");
    assertThat(LayerWalker.normalize("usr/lib//")).isEqualTo("usr/lib");
    assertThat(LayerWalker.normalize(".wh..wh..opq")).isEqualTo(".wh..wh..opq");
    assertThat(LayerWalker.normalize("a/.../b")).isEqualTo("a/.../b");
    assertThat(LayerWalker.normalize("a/.hidden/..x")).isEqualTo("a/.hidden/..x");
    // a "." or ".." anywhere, or an empty component, takes the full path
    assertThat(LayerWalker.normalize("a/.")).isEqualTo("a");
    assertThat(LayerWalker.normalize("a/b/../")).isEqualTo("a");
    assertThat(LayerWalker.normalize("a//b")).isEqualTo("a/b");
    assertThat(LayerWalker.normalize("..")).isEmpty();
  }

  @Test
  void detectsCompressionByMagicBytes() throws IOException {
    byte[] tar = sampleLayer();
    assertThat(Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(tar))))
        .isEqualTo(Compression.NONE);
    assertThat(
            Compression.detect(
                new java.io.BufferedInputStream(new ByteArrayInputStream(TarBuilder.gzip(tar)))))
        .isEqualTo(Compression.GZIP);
    assertThat(
            Compression.detect(
                new java.io.BufferedInputStream(new ByteArrayInputStream(TarBuilder.zstd(tar)))))
        .isEqualTo(Compression.ZSTD);
  }

  @Test
  void sparseFilesAreRecordedAndWarnedAboutNotExpanded() throws Exception {
    org.assertj.core.api.Assumptions.assumeThat(Path.of("/usr/bin/tar")).isExecutable();
    Path src = Files.createDirectories(temp.resolve("src/app"));
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(src.resolve("big.pkgs").toFile(), "rw")) {
      f.setLength(4L << 20);
      f.seek(2L << 20);
      f.write("hidden 1.0\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(src.resolve("z.pkgs"), "after 2.0\n");
    Path tar = temp.resolve("layer.tar");
    ChildProcess.Result p =
        ChildProcess.run(
            new ProcessBuilder(
                    "/usr/bin/tar",
                    "-S",
                    "--format=pax",
                    "-cf",
                    tar.toString(),
                    "-C",
                    temp.resolve("src").toString(),
                    "app/big.pkgs",
                    "app/z.pkgs")
                .redirectErrorStream(true),
            Duration.ofSeconds(60));
    assertThat(p.exitCode()).as(p.stdout()).isZero();

    LayerResult r =
        new LayerWalker(List.of(new PackageListAnalyzer()))
            .walk("sha256:l1", verified(Files.readAllBytes(tar)));
    assertThat(r.writtenFiles()).containsExactly("app/big.pkgs", "app/z.pkgs");
    assertThat(r.files().get("app/big.pkgs").warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).isEqualTo("sparse file: not analysed"));
    assertThat(r.files().get("app/z.pkgs").packages())
        .extracting(Package::name)
        .containsExactly("after");
  }
}
