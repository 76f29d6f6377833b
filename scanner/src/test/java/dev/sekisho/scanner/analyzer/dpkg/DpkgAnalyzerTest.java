package dev.sekisho.scanner.analyzer.dpkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Fixtures are written by the real dpkg: see src/test/resources/dpkg/generate.sh. */
class DpkgAnalyzerTest {
  private final DpkgAnalyzer analyzer = new DpkgAnalyzer();

  @Test
  void statusSubsetOfThisMachineEqualsDpkgQuery() throws IOException {
    AnalysisResult result =
        FixtureInput.resource("var/lib/dpkg/status", "/dpkg/status-subset").analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(nameVersions(result)).isEqualTo(lines("/dpkg/expected-subset.txt"));
    assertThat(result.packages())
        .allSatisfy(
            p -> {
              assertThat(p.location())
                  .isEqualTo(new Location(FixtureInput.LAYER, "/var/lib/dpkg/status"));
              assertThat(p.purl()).startsWith("pkg:deb/" + p.name() + "@");
              assertThat(p.metadata()).isInstanceOf(PackageMetadata.Dpkg.class);
            });
  }

  @Test
  void keepsSourceAndSourceVersionAndSkipsRemovedPackages() throws IOException {
    AnalysisResult result =
        FixtureInput.resource("var/lib/dpkg/status", "/dpkg/status-removed").analyzeWith(analyzer);
    // dpkg-query lists both; only the "ii" one is installed
    Set<String> installed =
        lines("/dpkg/expected-removed.txt").stream()
            .filter(l -> l.endsWith(" ii"))
            .map(l -> l.substring(0, l.length() - 3))
            .collect(Collectors.toSet());
    assertThat(nameVersions(result)).isEqualTo(installed).hasSize(1);
    Package keep = result.packages().getFirst();
    assertThat(keep.sourceName()).isEqualTo("sekisho-src");
    assertThat(keep.sourceVersion()).isEqualTo("2.0-1");
    assertThat(keep.version()).isEqualTo("1:2.0-3");
    assertThat(keep.metadata()).isEqualTo(new PackageMetadata.Dpkg("all", "install ok installed"));
    assertThat(keep.purl())
        .isEqualTo("pkg:deb/sekisho-keep@1%3A2.0-3?arch=all&upstream=sekisho-src");
  }

  @Test
  void distrolessRecordsHaveNoStatusAndCount() throws IOException {
    AnalysisResult result =
        FixtureInput.resource("var/lib/dpkg/status.d/base-files", "/dpkg/status.d-base-files")
            .analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(nameVersions(result)).isEqualTo(lines("/dpkg/expected-status.d.txt"));
  }

  @Test
  void truncatedDatabaseYieldsTheCompleteRecordsAndAWarning() throws IOException {
    byte[] full = DpkgAnalyzerTest.class.getResourceAsStream("/dpkg/status-subset").readAllBytes();
    String text = new String(full, StandardCharsets.UTF_8);
    // cut inside the first line of the 11th record, right after "Packa"
    int cut = nthIndexOf(text, "\n\nPackage: ", 10) + 7;
    AnalysisResult result =
        FixtureInput.of("var/lib/dpkg/status", Arrays.copyOf(full, cut)).analyzeWith(analyzer);
    assertThat(result.packages()).hasSize(10);
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.message())
                  .startsWith(
                      "cannot parse var/lib/dpkg/status in layer " + FixtureInput.LAYER + ": line ")
                  .contains("not a field: Packa");
              assertThat(w.location().path()).isEqualTo("/var/lib/dpkg/status");
            });
  }

  @Test
  void wantsTheStatusDatabaseAndDistrolessRecordsOnly() {
    FileInfo f = new FileInfo(1000, 0644);
    assertThat(analyzer.required("var/lib/dpkg/status", f)).isTrue();
    assertThat(analyzer.required("var/lib/dpkg/status.d/libc6", f)).isTrue();
    assertThat(analyzer.required("var/lib/dpkg/status.d/libc6.md5sums", f)).isFalse();
    assertThat(analyzer.required("var/lib/dpkg/status-old", f)).isFalse();
    assertThat(analyzer.required("var/lib/dpkg/available", f)).isFalse();
  }

  private static int nthIndexOf(String s, String needle, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = s.indexOf(needle, at + 1);
    }
    return at;
  }

  static Set<String> nameVersions(AnalysisResult result) {
    return result.packages().stream()
        .map(p -> p.name() + " " + p.version())
        .collect(Collectors.toSet());
  }

  private static Set<String> lines(String resource) throws IOException {
    try (InputStream in = DpkgAnalyzerTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .collect(Collectors.toSet());
    }
  }
}
