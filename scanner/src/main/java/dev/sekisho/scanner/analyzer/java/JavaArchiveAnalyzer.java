package dev.sekisho.scanner.analyzer.java;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.List;

/**
 * Java libraries and applications in jar, war and ear files (and Jenkins plugins), including the
 * archives nested in fat jars. Names are Maven coordinates {@code groupId:artifactId} when the
 * group is known, else the bare artifactId; the matcher may infer the group later (see {@code
 * MavenGroupInference}).
 */
public final class JavaArchiveAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "java-archive";
  }

  @Override
  public int version() {
    // 2: manifest headers recorded for match-time group inference
    // 3: archives read by central directory; a corrupt entry no longer hides the ones after it
    return 3;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return info.size() > 0 && JavaArchiveParser.isArchiveName(path);
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    String path = "/" + input.path();
    JavaArchiveParser.Result r;
    try {
      r = JavaArchiveParser.parse(input.channel(), path, input.layerDigest());
    } catch (JavaArchiveParser.BudgetExceeded e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getMessage())));
    }
    List<ScanWarning> warnings =
        r.problems().stream()
            .map(
                p ->
                    input.cannotParse(
                        p.startsWith(path + ": ") ? p.substring(path.length() + 2) : p))
            .toList();
    return AnalysisResult.ofPackages(r.packages(), warnings);
  }
}
