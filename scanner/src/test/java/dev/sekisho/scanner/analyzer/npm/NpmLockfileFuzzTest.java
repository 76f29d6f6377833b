package dev.sekisho.scanner.analyzer.npm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes npm lockfiles (v1 nested dependencies, v2/v3 packages) through their analyzer. Any bytes
 * give packages and warnings ("cannot parse …"), or an {@link IOException} (documented for a
 * failing input stream); any runtime exception, hang or runaway allocation is a finding. Regression
 * inputs: {@code NpmLockfileFuzzTestInputs/lockfile/} under the test resources.
 */
class NpmLockfileFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void lockfile(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new NpmLockfileAnalyzer().analyze(FuzzInput.of("app/package-lock.json", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
