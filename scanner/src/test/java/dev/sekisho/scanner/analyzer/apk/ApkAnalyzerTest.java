package dev.sekisho.scanner.analyzer.apk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixture follows apk-tools' installed-database format (this build machine has no apk-tools, so
 * it is written by hand in the format apk writes, with real Alpine 3.20 package records).
 */
class ApkAnalyzerTest {
  private final ApkAnalyzer analyzer = new ApkAnalyzer();

  @Test
  void readsNameVersionOriginArchitectureAndLicense() throws IOException {
    AnalysisResult result =
        FixtureInput.resource("lib/apk/db/installed", "/apk/installed").analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(
            result.packages().stream()
                .map(p -> p.name() + " " + p.version() + " " + p.sourceName()))
        .containsExactlyElementsOf(
            Files.readAllLines(FixtureTree.resourceDir("/apk").resolve("expected.txt")));
    Package crypto = result.packages().get(2);
    assertThat(crypto.metadata()).isEqualTo(new PackageMetadata.Apk("openssl", "x86_64"));
    assertThat(crypto.licenses()).containsExactly("Apache-2.0");
    assertThat(crypto.purl()).isEqualTo("pkg:apk/libcrypto3@3.3.2-r1?arch=x86_64&upstream=openssl");
    assertThat(result.packages().get(3).licenses())
        .containsExactly("( Apache-2.0 OR MIT ) AND MPL-2.0");
  }

  @Test
  void truncatedDatabaseYieldsCompleteRecordsAndAWarningWithTheLine() throws IOException {
    byte[] full = FixtureInput.resource("x", "/apk/installed").content();
    String text = new String(full, StandardCharsets.UTF_8);
    int cut = text.indexOf("P:libcrypto3") + "P:libcrypto3\n".length();
    AnalysisResult result =
        FixtureInput.of("lib/apk/db/installed", Arrays.copyOf(full, cut)).analyzeWith(analyzer);
    assertThat(result.packages()).extracting(Package::name).containsExactly("musl", "busybox");
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .isEqualTo(
                        "cannot parse lib/apk/db/installed in layer "
                            + FixtureInput.LAYER
                            + ": line "
                            + (lineOf(text, "P:libcrypto3") - 1)
                            + ": record without P (name) or V (version) (P:libcrypto3)"));
  }

  @Test
  void wantsOnlyTheInstalledDatabase() {
    assertThat(analyzer.required("lib/apk/db/installed", new FileInfo(1, 0644))).isTrue();
    assertThat(analyzer.required("lib/apk/db/triggers", new FileInfo(1, 0644))).isFalse();
  }

  private static int lineOf(String text, String needle) {
    List<String> lines = text.lines().toList();
    return lines.indexOf(needle) + 1;
  }
}
