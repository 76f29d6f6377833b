package dev.sekisho.scanner.analyzer.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import dev.sekisho.scanner.model.Package;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Composer 1 and Composer 2 installed.json fixtures (this machine has no Composer, so they are
 * written in the two formats Composer writes, with real package records).
 */
class ComposerInstalledAnalyzerTest {
  private final ComposerInstalledAnalyzer analyzer = new ComposerInstalledAnalyzer();

  @Test
  void composer2FormatListsEveryInstalledPackage() {
    List<Package> packages = packages("/php/v2");
    assertThat(packages)
        .extracting(p -> p.name() + " " + p.version() + " " + p.licenses())
        .containsExactly(
            "monolog/monolog 3.5.0 [MIT]",
            "psr/log 3.0.0 [MIT]",
            "phpunit/php-timer 6.0.0 [BSD-3-Clause]");
    assertThat(packages.getFirst().purl()).isEqualTo("pkg:composer/monolog/monolog@3.5.0");
    assertThat(packages.getFirst().location().path())
        .isEqualTo("/app/vendor/composer/installed.json");
  }

  @Test
  void composer1FormatIsAnArray() {
    assertThat(packages("/php/v1"))
        .extracting(p -> p.name() + " " + p.version())
        .containsExactly("symfony/polyfill-ctype v1.17.0", "guzzlehttp/guzzle 6.5.4");
  }

  @Test
  void truncatedFileIsAWarning() throws IOException {
    AnalysisResult r =
        FixtureInput.of(
                "app/vendor/composer/installed.json",
                "{\"packages\": [{\"name\": \"a/b\"".getBytes())
            .analyzeWith(analyzer);
    assertThat(r.packages()).isEmpty();
    assertThat(r.warnings().getFirst().message())
        .startsWith(
            "cannot parse app/vendor/composer/installed.json in layer " + FixtureInput.LAYER);
  }

  private List<Package> packages(String dir) {
    List<AnalysisResult> results = FixtureTree.analyze(FixtureTree.resourceDir(dir), analyzer);
    results.forEach(r -> assertThat(r.warnings()).isEmpty());
    return results.stream().flatMap(r -> r.packages().stream()).toList();
  }
}
