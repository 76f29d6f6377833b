package dev.sekisho.scanner.testing;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test analyzer that records each wanted file as a "package" named by its path with the file's
 * UTF-8 content as version, so a test can compare the merged file system with what a fixture says.
 */
public final class FileRecorder implements Analyzer {
  private final Predicate<String> wanted;

  public FileRecorder(Predicate<String> wanted) {
    this.wanted = wanted;
  }

  @Override
  public String name() {
    return "file-recorder";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return wanted.test(path);
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    String content = new String(input.stream().readAllBytes(), StandardCharsets.UTF_8);
    return AnalysisResult.ofPackages(
        List.of(
            new Package(
                PackageType.NPM,
                input.path(),
                content,
                null,
                null,
                null,
                null,
                input.location(),
                null)),
        null);
  }
}
