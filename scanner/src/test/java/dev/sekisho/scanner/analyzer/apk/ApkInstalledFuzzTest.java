package dev.sekisho.scanner.analyzer.apk;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes apk-tools' installed database through the apk analyzer. Any bytes give packages and
 * warnings ("cannot parse …"), or an {@link IOException} (documented for a failing input stream);
 * any runtime exception, hang or runaway allocation is a finding. Regression inputs: {@code
 * ApkInstalledFuzzTestInputs/apkInstalled/} under the test resources.
 */
class ApkInstalledFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void apkInstalled(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new ApkAnalyzer().analyze(FuzzInput.of("lib/apk/db/installed", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
