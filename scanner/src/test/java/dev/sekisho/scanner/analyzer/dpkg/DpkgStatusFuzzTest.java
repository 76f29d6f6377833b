package dev.sekisho.scanner.analyzer.dpkg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes dpkg's status database (deb822 control paragraphs, {@code ControlFileParser}) through the
 * dpkg analyzer. Any bytes give packages and warnings ("cannot parse …"), or an {@link IOException}
 * (documented for a failing input stream); any runtime exception, hang or runaway allocation is a
 * finding. Regression inputs: {@code DpkgStatusFuzzTestInputs/dpkgStatus/} under the test
 * resources.
 */
class DpkgStatusFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void dpkgStatus(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new DpkgAnalyzer().analyze(FuzzInput.of("var/lib/dpkg/status", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
