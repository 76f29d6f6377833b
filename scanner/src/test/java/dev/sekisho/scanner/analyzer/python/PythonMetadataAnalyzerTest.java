package dev.sekisho.scanner.analyzer.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import dev.sekisho.scanner.model.Package;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fixture: metadata written by pip and by Debian's python3 packages, with importlib.metadata's view
 * of them (src/test/resources/python/generate.sh).
 */
class PythonMetadataAnalyzerTest {
  private final PythonMetadataAnalyzer analyzer = new PythonMetadataAnalyzer();

  @Test
  void findsWhatImportlibMetadataFinds() throws IOException {
    Path root = FixtureTree.resourceDir("/python");
    List<AnalysisResult> results = FixtureTree.analyze(root, analyzer);
    results.forEach(r -> assertThat(r.warnings()).isEmpty());
    List<Package> packages = results.stream().flatMap(r -> r.packages().stream()).toList();
    assertThat(packages.stream().map(p -> p.name() + " " + p.version()).sorted())
        .containsExactlyElementsOf(
            Files.readAllLines(root.resolve("expected.txt")).stream().sorted().toList());
    Package jwt = packages.stream().filter(p -> p.name().equals("PyJWT")).findFirst().orElseThrow();
    assertThat(jwt.purl()).isEqualTo("pkg:pypi/pyjwt@2.6.0");
    assertThat(jwt.licenses()).containsExactly("MIT");
    assertThat(jwt.location().path())
        .isEqualTo("/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO");
    Package six = packages.stream().filter(p -> p.name().equals("six")).findFirst().orElseThrow();
    assertThat(six.licenses()).containsExactly("MIT");
  }

  @Test
  void metadataWithoutVersionIsAWarning() throws IOException {
    AnalysisResult result =
        FixtureInput.of("app/x-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\n".getBytes())
            .analyzeWith(analyzer);
    assertThat(result.packages()).isEmpty();
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .isEqualTo(
                        "cannot parse app/x-1.dist-info/METADATA in layer "
                            + FixtureInput.LAYER
                            + ": no Name or Version in the metadata headers"));
  }

  @Test
  void wantsMetadataFilesOnly() {
    FileInfo f = new FileInfo(100, 0644);
    assertThat(analyzer.required("a/six-1.16.0.dist-info/METADATA", f)).isTrue();
    assertThat(analyzer.required("a/x.egg-info/PKG-INFO", f)).isTrue();
    assertThat(analyzer.required("a/x-1.0.egg-info", f)).isTrue();
    assertThat(analyzer.required("a/six-1.16.0.dist-info/RECORD", f)).isFalse();
  }
}
