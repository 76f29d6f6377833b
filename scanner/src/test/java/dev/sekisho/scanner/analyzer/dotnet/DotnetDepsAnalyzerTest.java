package dev.sekisho.scanner.analyzer.dotnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deps.json in the shape `dotnet publish` writes (no .NET SDK on this machine, so written by
 * hand): NuGet packages are found, the application's own projects are not.
 */
class DotnetDepsAnalyzerTest {
  private final DotnetDepsAnalyzer analyzer = new DotnetDepsAnalyzer();

  @Test
  void packagesButNotProjects() {
    List<AnalysisResult> results =
        FixtureTree.analyze(FixtureTree.resourceDir("/dotnet"), analyzer);
    assertThat(results).hasSize(1);
    assertThat(results.getFirst().warnings()).isEmpty();
    assertThat(results.getFirst().packages())
        .extracting(p -> p.name() + " " + p.version() + " " + p.purl())
        .containsExactly(
            "Newtonsoft.Json 13.0.3 pkg:nuget/Newtonsoft.Json@13.0.3",
            "Serilog 3.1.1 pkg:nuget/Serilog@3.1.1");
  }

  @Test
  void brokenJsonIsAWarning() throws IOException {
    AnalysisResult r =
        FixtureInput.of("app/x.deps.json", "{\"libraries\": {".getBytes()).analyzeWith(analyzer);
    assertThat(r.packages()).isEmpty();
    assertThat(r.warnings().getFirst().message())
        .startsWith("cannot parse app/x.deps.json in layer ");
  }
}
