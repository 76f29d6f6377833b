package dev.sekisho.scanner.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.layer.LayerResult;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.testing.PackageListAnalyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLayerCacheTest {
  private static final String LAYER = "sha256:" + "ab".repeat(32);

  @TempDir Path dir;

  private static LayerResult sample() {
    Location loc = new Location(LAYER, "/var/lib/dpkg/status");
    Package dpkg =
        new Package(
            PackageType.DEB,
            "libc6",
            "2.36-9+deb12u7",
            "glibc",
            null,
            List.of("LGPL-2.1"),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7",
            loc,
            new PackageMetadata.Dpkg("amd64", "install ok installed"));
    Package jar =
        new Package(
            PackageType.MAVEN,
            "org.example:lib",
            "1.0",
            null,
            null,
            null,
            null,
            new Location(LAYER, "/app.jar"),
            new PackageMetadata.Java("org.example", "lib", "pom.properties", "abc"));
    Package rpm =
        new Package(
            PackageType.RPM,
            "bash",
            "1:5.1-6.el9",
            null,
            null,
            null,
            null,
            loc,
            new PackageMetadata.Rpm(1, "5.1", "6.el9", "x86_64", "bash-5.1-6.el9.src.rpm", null));
    AnalysisResult result =
        new AnalysisResult(
            List.of(dpkg, jar, rpm),
            new OperatingSystem("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"),
            List.of(
                new SecretFinding(
                    "aws-access-key-id", "AWS key", Severity.Critical, loc, 3, "AKIA****")),
            List.of(new ScanWarning(loc, "line 42: bad")));
    return new LayerResult(
        LAYER,
        Map.of("var/lib/dpkg/status", result),
        List.of("etc/gone"),
        List.of("var/cache"),
        List.of("var/lib/dpkg/status", "usr/bin/x"),
        List.of("var", "var/lib"),
        List.of(new ScanWarning(null, "layer note")),
        false,
        Map.of("lib/apk", "../usr/lib/apk"));
  }

  @Test
  void roundTripsEveryKindOfResult() {
    FileLayerCache cache = new FileLayerCache(dir);
    List<Analyzer> analyzers =
        List.of(new PackageListAnalyzer("a", 1, false), new PackageListAnalyzer("b", 2, false));
    assertThat(cache.get(LAYER, analyzers)).isEmpty();
    cache.put(LAYER, analyzers, sample());
    assertThat(cache.get(LAYER, analyzers)).contains(sample());
    // the analyzer order does not matter
    assertThat(cache.get(LAYER, List.of(analyzers.get(1), analyzers.get(0)))).contains(sample());
  }

  @Test
  void anotherAnalyzerVersionOrSetIsAMiss() {
    FileLayerCache cache = new FileLayerCache(dir);
    cache.put(LAYER, List.of(new PackageListAnalyzer("a", 1, false)), sample());
    assertThat(cache.get(LAYER, List.of(new PackageListAnalyzer("a", 2, false)))).isEmpty();
    assertThat(
            cache.get(
                LAYER,
                List.of(
                    new PackageListAnalyzer("a", 1, false),
                    new PackageListAnalyzer("b", 1, false))))
        .isEmpty();
    assertThat(
            cache.get("sha256:" + "cd".repeat(32), List.of(new PackageListAnalyzer("a", 1, false))))
        .isEmpty();
  }

  @Test
  void corruptEntryIsIgnoredDeletedAndRewritten() throws Exception {
    FileLayerCache cache = new FileLayerCache(dir);
    List<Analyzer> analyzers = List.of(new PackageListAnalyzer());
    cache.put(LAYER, analyzers, sample());
    Path file = cache.file(LAYER, analyzers);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(cache.get(LAYER, analyzers)).isEmpty();
    assertThat(file).doesNotExist();
    cache.put(LAYER, analyzers, sample());
    assertThat(cache.get(LAYER, analyzers)).contains(sample());
  }

  @Test
  void writesLeaveNoTemporaryFiles() throws Exception {
    FileLayerCache cache = new FileLayerCache(dir);
    cache.put(LAYER, List.of(new PackageListAnalyzer()), sample());
    cache.put(LAYER, List.of(new PackageListAnalyzer()), sample());
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(n -> assertThat(n).endsWith(".json.gz").doesNotStartWith(".tmp"));
    }
  }

  @Test
  void defaultDirectoryFollowsXdg() {
    assertThat(FileLayerCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/x/sekisho/layers"));
    assertThat(FileLayerCache.defaultDirectory(Map.of(), "/home/u"))
        .isEqualTo(Path.of("/home/u/.cache/sekisho/layers"));
  }
}
