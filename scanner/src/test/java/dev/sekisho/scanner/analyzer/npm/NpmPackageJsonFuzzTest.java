package dev.sekisho.scanner.analyzer.npm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes installed npm packages' package.json through their analyzer. Any bytes give packages and
 * warnings ("cannot parse …"), or an {@link IOException} (documented for a failing input stream);
 * any runtime exception, hang or runaway allocation is a finding. Regression inputs: {@code
 * NpmPackageJsonFuzzTestInputs/packageJson/} under the test resources.
 */
class NpmPackageJsonFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void packageJson(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new NpmPackageJsonAnalyzer()
          .analyze(FuzzInput.of("app/node_modules/@scope/pkg/package.json", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
