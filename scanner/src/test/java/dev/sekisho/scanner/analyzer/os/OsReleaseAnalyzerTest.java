package dev.sekisho.scanner.analyzer.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.model.OperatingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OsReleaseAnalyzerTest {
  private final OsReleaseAnalyzer analyzer = new OsReleaseAnalyzer();

  static Stream<Arguments> cases() throws IOException {
    try (InputStream in = OsReleaseAnalyzerTest.class.getResourceAsStream("/os/expected.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .map(
                  l ->
                      Arguments.of(
                          (Object[])
                              Arrays.stream(l.split("\\|"))
                                  .map(String::strip)
                                  .toArray(String[]::new)))
              .toList()
              .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void identifiesTheOperatingSystem(
      String caseDir, String file, String family, String version, String codename, String pretty)
      throws IOException {
    FixtureInput input = FixtureInput.resource(file, "/os/" + caseDir + "/" + file);
    AnalysisResult result = input.analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.os())
        .isEqualTo(new OperatingSystem(dash(family), dash(version), dash(codename), dash(pretty)));
  }

  @Test
  void osReleaseWithoutIdIsAWarningNamingFileAndLayer() throws IOException {
    AnalysisResult result =
        FixtureInput.resource("etc/os-release", "/os/empty/etc/os-release").analyzeWith(analyzer);
    assertThat(result.os()).isNull();
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .isEqualTo(
                        "cannot parse etc/os-release in layer "
                            + FixtureInput.LAYER
                            + ": no operating system identified"));
  }

  @Test
  void wantsOnlyReleaseFiles() {
    FileInfo small = new FileInfo(100, 0644);
    assertThat(analyzer.required("etc/os-release", small)).isTrue();
    assertThat(analyzer.required("etc/alpine-release", small)).isTrue();
    assertThat(analyzer.required("usr/etc/os-release", small)).isFalse();
    // any size: a larger file is read up to the limit, with a warning (HostileInputTest)
    assertThat(analyzer.required("etc/os-release", new FileInfo(10_000_000, 0644))).isTrue();
  }

  @Test
  void osReleaseWinsOverAFallbackInEitherOrder() {
    OperatingSystem osRelease = new OperatingSystem("debian", "12", "bookworm", "Debian 12");
    OperatingSystem fallback = new OperatingSystem("debian", "12.11", null, null);
    assertThat(OsReleaseAnalyzer.prefer(osRelease, fallback)).isSameAs(osRelease);
    assertThat(OsReleaseAnalyzer.prefer(fallback, osRelease)).isSameAs(osRelease);
    assertThat(OsReleaseAnalyzer.prefer(null, fallback)).isSameAs(fallback);
  }

  private static String dash(String s) {
    return s.equals("-") ? null : s;
  }
}
