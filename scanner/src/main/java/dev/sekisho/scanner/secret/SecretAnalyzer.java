package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.SecretFinding;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Scans the contents of every text file of every layer for secrets ({@link SecretScanner}). */
public final class SecretAnalyzer implements Analyzer {
  private final SecretScanner scanner;

  /** With the built-in rules and defaults. */
  public SecretAnalyzer() {
    this(SecretScanner.withDefaults());
  }

  public SecretAnalyzer(SecretScanner scanner) {
    this.scanner = scanner;
  }

  @Override
  public String name() {
    return "secret";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return scanner.wants(path, info.size());
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    long size = input.info().size();
    if (size > scanner.maxFileSize()) {
      return AnalysisResult.EMPTY;
    }
    InputStream in = input.stream();
    byte[] data = in.readNBytes((int) size);
    List<SecretFinding> found = scanner.scan(data, data.length, input.location());
    return found.isEmpty() ? AnalysisResult.EMPTY : new AnalysisResult(null, null, found, null);
  }
}
