package dev.sekisho.scanner.analyzer.java;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the Java archive analyzer: central directory, stream fallback, nested archives,
 * pom.properties and MANIFEST.MF. Any bytes give packages and warnings, or an {@link IOException}.
 */
class JavaArchiveFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void javaArchive(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new JavaArchiveAnalyzer().analyze(FuzzInput.of("app/lib/demo-1.0.jar", data));
    } catch (IOException expected) {
      // documented: reading the input failed
    }
  }
}
