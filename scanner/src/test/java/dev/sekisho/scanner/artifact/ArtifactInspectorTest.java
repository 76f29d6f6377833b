package dev.sekisho.scanner.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.source.ImageSource;
import dev.sekisho.scanner.image.source.ImageSources;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.OciLayoutBuilder.Blob;
import dev.sekisho.scanner.testing.OciLayoutBuilder.LayerBlob;
import dev.sekisho.scanner.testing.PackageListAnalyzer;
import dev.sekisho.scanner.testing.TarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactInspectorTest {
  @TempDir Path temp;
  private Path layout;
  private LayerBlob base;
  private LayerBlob appA;
  private LayerBlob appB;

  @BeforeEach
  void buildLayout() {
    OciLayoutBuilder oci = new OciLayoutBuilder(temp.resolve("layout"));
    base =
        oci.layer(
            new TarBuilder()
                .file("etc/os-release", "12")
                .file("var/lib/base.pkgs", "libc 2.36\nzlib 1.2\n")
                .file("usr/lib/old.pkgs", "old 1\n")
                .tar(),
            "ADD rootfs /");
    appA =
        oci.layer(
            new TarBuilder()
                .file("var/lib/base.pkgs", "libc 2.36-fixed\nzlib 1.2\n")
                .whiteout("usr/lib/old.pkgs")
                .file("app/a.pkgs", "a 1\n")
                .tar(),
            "COPY a /app");
    appB = oci.layer(new TarBuilder().file("app/b.pkgs", "b 2\n").tar(), "COPY b /app");
    ObjectNode config = OciLayoutBuilder.object();
    config.put("User", "1000:1000");
    ObjectNode ports = config.putObject("ExposedPorts");
    ports.putObject("8080/tcp");
    ports.putObject("443/tcp");
    config.putArray("Env").add("PATH=/usr/bin").add("API_TOKEN=super-secret");
    config.putObject("Healthcheck").putArray("Test").add("CMD").add("true");
    config.putObject("Labels").put("team", "gate");
    ObjectNode annotations = OciLayoutBuilder.object();
    annotations.put("org.opencontainers.image.base.name", "docker.io/library/debian:12");
    annotations.put("org.opencontainers.image.base.digest", "sha256:" + "b".repeat(64));
    Blob a = oci.image(config, List.of(base, appA), annotations, "amd64");
    Blob b = oci.image(OciLayoutBuilder.object(), List.of(base, appB), null, "arm64");
    oci.tag(a, "a").tag(b, "b").tag(oci.index(List.of(a, b), List.of("amd64", "arm64")), "multi");
    layout = oci.finish();
  }

  private static InspectOptions options(Path cache, ProgressListener progress) {
    return InspectOptions.defaults()
        .withAnalyzers(List.of(new PackageListAnalyzer()))
        .withCacheDir(cache)
        .withParallelism(2)
        .withProgress(progress);
  }

  private static List<String> packages(Inventory inv) {
    return inv.packages().stream().map(p -> p.name() + "@" + p.version()).sorted().toList();
  }

  @Test
  void osPackagePurlsNameTheDistributionOfTheMergedImage() throws IOException {
    OciLayoutBuilder oci = new OciLayoutBuilder(temp.resolve("debian"));
    LayerBlob rootfs =
        oci.layer(
            new TarBuilder()
                .file(
                    "usr/lib/os-release",
                    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                        + "VERSION_CODENAME=bookworm\n")
                .file(
                    "var/lib/dpkg/status",
                    "Package: bash\nStatus: install ok installed\nArchitecture: amd64\n"
                        + "Version: 5.2.15-2+b2\n\n")
                .tar(),
            "ADD rootfs /");
    Blob image = oci.image(OciLayoutBuilder.object(), List.of(rootfs), null, "amd64");
    oci.tag(image, "12");
    Path debian = oci.finish();

    Inventory inv =
        new ArtifactInspector()
            .inspect(
                Target.parse("oci:" + debian + ":12"),
                InspectOptions.defaults().withCacheDir(null));

    assertThat(inv.os().family()).isEqualTo("debian");
    Package bash =
        inv.packages().stream().filter(p -> p.name().equals("bash")).findFirst().orElseThrow();
    assertThat(bash.purl()).startsWith("pkg:deb/debian/bash@5.2.15-2").contains("distro=debian-12");
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void anOutOfMemoryErrorInALayerThreadReachesTheCallerAsItself() {
    PackageListAnalyzer packages = new PackageListAnalyzer();
    dev.sekisho.scanner.analyzer.Analyzer exhausting =
        new dev.sekisho.scanner.analyzer.Analyzer() {
          @Override
          public String name() {
            return "exhausting";
          }

          @Override
          public int version() {
            return 1;
          }

          @Override
          public boolean required(String path, dev.sekisho.scanner.analyzer.FileInfo info) {
            return packages.required(path, info);
          }

          @Override
          public dev.sekisho.scanner.analyzer.AnalysisResult analyze(
              dev.sekisho.scanner.analyzer.AnalysisInput input) {
            throw new OutOfMemoryError("Java heap space");
          }
        };
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse("oci:" + layout + ":a"),
                        options(null, null).withAnalyzers(List.of(exhausting))))
        .isInstanceOf(OutOfMemoryError.class)
        .hasMessage("Java heap space");
  }

  @Test
  void ociLayoutImageBecomesAnInventoryWithFacts() throws IOException {
    Inventory inv =
        new ArtifactInspector().inspect(Target.parse("oci:" + layout + ":a"), options(null, null));
    assertThat(packages(inv)).containsExactly("a@1", "libc@2.36-fixed", "zlib@1.2");
    Package libc =
        inv.packages().stream().filter(p -> p.name().equals("libc")).findFirst().orElseThrow();
    assertThat(libc.location().layerDigest()).isEqualTo(appA.blob().digest());
    assertThat(inv.os().version()).isEqualTo("12");
    ImageFacts f = inv.image();
    assertThat(f.user()).isEqualTo("1000:1000");
    assertThat(f.exposedPorts()).containsExactly("443/tcp", "8080/tcp");
    assertThat(f.envNames()).containsExactly("PATH", "API_TOKEN");
    assertThat(f.toString()).doesNotContain("super-secret");
    assertThat(f.healthcheck()).isTrue();
    assertThat(f.labels()).containsEntry("team", "gate");
    assertThat(f.baseImageName()).isEqualTo("docker.io/library/debian:12");
    assertThat(f.baseImageDigest()).isEqualTo("sha256:" + "b".repeat(64));
    assertThat(f.created()).isEqualTo(Instant.parse("2026-11-01T12:00:00Z"));
    assertThat(f.platform()).isEqualTo("linux/amd64");
    assertThat(f.tag()).isEqualTo("a");
    assertThat(f.layers())
        .extracting(LayerInfo::digest, LayerInfo::diffId, LayerInfo::createdBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                base.blob().digest(), base.diffId(), "ADD rootfs /"),
            org.assertj.core.groups.Tuple.tuple(
                appA.blob().digest(), appA.diffId(), "COPY a /app"));
    assertThat(f.layers().get(0).size()).isEqualTo(base.blob().size());
  }

  @Test
  void indexInALayoutIsResolvedToThePlatform() throws IOException {
    Inventory arm =
        new ArtifactInspector()
            .inspect(
                Target.parse("oci:" + layout + ":multi"),
                options(null, null).withPlatform(Platform.parse("linux/arm64")));
    assertThat(packages(arm)).containsExactly("b@2", "libc@2.36", "old@1", "zlib@1.2");
    assertThat(arm.image().platform()).isEqualTo("linux/arm64");
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse("oci:" + layout + ":multi"),
                        options(null, null).withPlatform(Platform.parse("linux/ppc64le"))))
        .hasMessageContaining("linux/ppc64le")
        .hasMessageContaining("linux/amd64, linux/arm64");
  }

  @Test
  void secondImageSharingTheBaseLayerReadsOnlyItsOwnLayers() throws IOException {
    Path cache = temp.resolve("cache");
    List<String> opened = new CopyOnWriteArrayList<>();
    List<String> cached = new CopyOnWriteArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void layerCached(int index, LayerInfo layer) {
            cached.add(layer.digest());
          }
        };
    ArtifactInspector inspector = new ArtifactInspector();
    Inventory a1 = inspectCounting(inspector, "a", options(cache, listener), opened);
    assertThat(opened).containsExactlyInAnyOrder(base.blob().digest(), appA.blob().digest());
    opened.clear();
    Inventory b = inspectCounting(inspector, "b", options(cache, listener), opened);
    assertThat(opened).containsExactly(appB.blob().digest());
    assertThat(cached).containsExactly(base.blob().digest());
    assertThat(packages(b)).containsExactly("b@2", "libc@2.36", "old@1", "zlib@1.2");
    opened.clear();
    Inventory a2 = inspectCounting(inspector, "a", options(cache, listener), opened);
    assertThat(opened).isEmpty();
    assertThat(a2.packages()).isEqualTo(a1.packages());
  }

  @Test
  void largestLayersStartFirstAndEqualSizesKeepTheImageOrder() {
    List<LayerInfo> layers =
        List.of(
            layer("sha256:a", 10),
            layer("sha256:b", 300),
            layer("sha256:c", 40),
            layer("sha256:d", 300),
            layer("sha256:e", 0));
    assertThat(ArtifactInspector.largestFirst(layers)).containsExactly(1, 3, 2, 0, 4);
    assertThat(ArtifactInspector.largestFirst(List.of())).isEmpty();
  }

  @Test
  void layersAreReadLargestFirstButMergedInTheImageOrder() throws IOException {
    List<String> opened = new CopyOnWriteArrayList<>();
    Inventory inv =
        inspectCounting(
            new ArtifactInspector(), "a", options(null, null).withParallelism(1), opened);
    List<String> bySize =
        Stream.of(base.blob(), appA.blob())
            .sorted((x, y) -> Long.compare(y.size(), x.size()))
            .map(Blob::digest)
            .toList();
    assertThat(base.blob().size()).isNotEqualTo(appA.blob().size());
    assertThat(opened).containsExactlyElementsOf(bySize);
    // merged in the image's order: the upper layer's libc replaces the base's, its whiteout
    // removes old.pkgs
    assertThat(packages(inv)).containsExactly("a@1", "libc@2.36-fixed", "zlib@1.2");
  }

  private static LayerInfo layer(String digest, long size) {
    return new LayerInfo(digest, null, size, "application/vnd.oci.image.layer.v1.tar", null);
  }

  private Inventory inspectCounting(
      ArtifactInspector inspector, String tag, InspectOptions options, List<String> opened)
      throws IOException {
    try (ImageSource real = ImageSources.open(Target.parse("oci:" + layout + ":" + tag), null)) {
      ImageSource counting =
          new ImageSource() {
            public ResolvedImage resolve(Platform platform) throws IOException {
              return real.resolve(platform);
            }

            public InputStream openLayer(ResolvedImage image, int index) throws IOException {
              opened.add(image.manifest().layers().get(index).digest());
              return real.openLayer(image, index);
            }

            public String describe() {
              return real.describe();
            }
          };
      return inspector.inspect(counting, tag, options);
    }
  }

  @Test
  void tamperedLayerIsRejectedAndNotCached() throws IOException {
    Path blob = layout.resolve("blobs/sha256/" + appA.blob().digest().substring(7));
    byte[] bytes = Files.readAllBytes(blob);
    // same length, different content: a gzip'd tar that still decompresses
    byte[] other = TarBuilder.gzip(new TarBuilder().file("app/a.pkgs", "evil 6.6.6\n").tar());
    Files.write(blob, other);
    Path cache = temp.resolve("cache");
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(Target.parse("oci:" + layout + ":a"), options(cache, null)))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining(appA.blob().digest())
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.DIGEST_MISMATCH));
    try (Stream<Path> s = Files.walk(cache)) {
      assertThat(s.filter(p -> p.toString().contains(appA.blob().digest().substring(7)))).isEmpty();
    }
    assertThat(bytes).isNotEqualTo(other);
  }

  @Test
  void ociArchiveIsReadInPlace() throws IOException {
    Path archive = temp.resolve("image.tar");
    tarDirectory(layout, archive);
    Inventory inv =
        new ArtifactInspector()
            .inspect(Target.parse("oci-archive:" + archive + ":a"), options(null, null));
    assertThat(packages(inv)).containsExactly("a@1", "libc@2.36-fixed", "zlib@1.2");
    Path gz = temp.resolve("image.tar.gz");
    Files.write(gz, TarBuilder.gzip(Files.readAllBytes(archive)));
    Inventory fromGz =
        new ArtifactInspector()
            .inspect(Target.parse("oci-archive:" + gz + ":a"), options(null, null));
    assertThat(fromGz.packages()).isEqualTo(inv.packages());
  }

  @Test
  void missingTagAndMissingFilesAreNamed() {
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(Target.parse("oci:" + layout + ":zzz"), options(null, null)))
        .hasMessageContaining("no image tagged zzz")
        .hasMessageContaining("tags: a, b, multi");
    assertThatThrownBy(
            () ->
                new ArtifactInspector().inspect(Target.parse("oci:" + layout), options(null, null)))
        .hasMessageContaining("holds 3 images");
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse("oci-archive:" + temp.resolve("none.tar")),
                        options(null, null)))
        .hasMessageContaining("none.tar")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(
            () -> new ArtifactInspector().inspect(Target.parse("sbom:x.json"), options(null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SBOM reader");
  }

  @Test
  void dockerArchiveWithGzippedAndPlainLayers() throws IOException {
    byte[] baseTar = new TarBuilder().file("var/lib/base.pkgs", "libc 2.36\n").tar();
    byte[] appTar = new TarBuilder().file("app/a.pkgs", "a 1\n").tar();
    String diff1 = dev.sekisho.scanner.image.oci.Digest.sha256(baseTar).toString();
    String diff2 = dev.sekisho.scanner.image.oci.Digest.sha256(appTar).toString();
    String config =
        """
        {"architecture":"amd64","os":"linux","config":{"User":"app"},
         "rootfs":{"type":"layers","diff_ids":["%s","%s"]},
         "history":[{"created_by":"ADD base"},{"created_by":"COPY app"}]}"""
            .formatted(diff1, diff2);
    String configName =
        dev.sekisho.scanner.image.oci.Digest.sha256(config.getBytes()).hex() + ".json";
    String manifest =
        "[{\"Config\":\""
            + configName
            + "\",\"RepoTags\":[\"example.com/team/app:1.0\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]";
    Path archive = temp.resolve("save.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
      put(out, "manifest.json", manifest.getBytes());
      put(out, configName, config.getBytes());
      put(out, "l1/layer.tar", baseTar);
      put(out, "l2/layer.tar", TarBuilder.gzip(appTar));
    }
    Inventory inv =
        new ArtifactInspector()
            .inspect(
                Target.parse("docker-archive:" + archive + ":example.com/team/app:1.0"),
                options(null, null));
    assertThat(packages(inv)).containsExactly("a@1", "libc@2.36");
    assertThat(inv.image().registry()).isEqualTo("example.com");
    assertThat(inv.image().repository()).isEqualTo("team/app");
    assertThat(inv.image().tag()).isEqualTo("1.0");
    assertThat(inv.image().user()).isEqualTo("app");
    assertThat(inv.image().layers()).extracting(LayerInfo::diffId).containsExactly(diff1, diff2);
    assertThatThrownBy(
            () ->
                new ArtifactInspector()
                    .inspect(
                        Target.parse("docker-archive:" + archive + ":other:1"),
                        options(null, null)))
        .hasMessageContaining("no image docker.io/library/other:1")
        .hasMessageContaining("example.com/team/app:1.0");
  }

  private static void put(TarArchiveOutputStream out, String name, byte[] bytes)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    out.putArchiveEntry(e);
    out.write(bytes);
    out.closeArchiveEntry();
  }

  private static void tarDirectory(Path dir, Path archive) throws IOException {
    try (OutputStream os = Files.newOutputStream(archive);
        TarArchiveOutputStream out = new TarArchiveOutputStream(os);
        Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        put(out, dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
  }
}
