package dev.sekisho.scanner.analyzer.ruby;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gem specifications written by RubyGems for Debian's ruby packages, with what RubyGems itself
 * loads from them (src/test/resources/ruby/generate.sh).
 */
class GemspecAnalyzerTest {
  private final GemspecAnalyzer analyzer = new GemspecAnalyzer();

  @Test
  void findsWhatRubyGemsLoads() throws IOException {
    Path root = FixtureTree.resourceDir("/ruby");
    List<AnalysisResult> results = FixtureTree.analyze(root, analyzer);
    results.forEach(r -> assertThat(r.warnings()).isEmpty());
    assertThat(
            results.stream()
                .flatMap(r -> r.packages().stream())
                .map(p -> p.name() + " " + p.version() + " " + String.join(",", p.licenses()))
                .sorted())
        .containsExactlyElementsOf(Files.readAllLines(root.resolve("expected.txt")));
    assertThat(results.getFirst().packages().getFirst().purl()).startsWith("pkg:gem/");
  }

  @Test
  void gemspecWithoutVersionIsAWarning() throws IOException {
    AnalysisResult r =
        FixtureInput.of(
                "usr/lib/ruby/gems/3.1.0/specifications/x.gemspec",
                "Gem::Specification.new do |s|\n  s.name = \"x\"\n".getBytes())
            .analyzeWith(analyzer);
    assertThat(r.packages()).isEmpty();
    assertThat(r.warnings().getFirst().message()).contains("no name or version assignment");
  }

  @Test
  void wantsInstalledSpecificationsOnly() {
    FileInfo f = new FileInfo(100, 0644);
    assertThat(analyzer.required("usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", f))
        .isTrue();
    assertThat(
            analyzer.required(
                "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", f))
        .isTrue();
    assertThat(analyzer.required("app/mygem.gemspec", f)).isFalse();
    assertThat(analyzer.required("usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/rake.gemspec", f))
        .isFalse();
  }
}
