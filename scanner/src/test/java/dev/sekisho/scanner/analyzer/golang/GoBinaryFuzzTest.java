package dev.sekisho.scanner.analyzer.golang;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes Go binaries: the ELF headers ({@code ElfFile}) and the build info ({@code GoBuildInfo},
 * inline and pointer forms) through the Go binary analyzer. Any bytes give packages and warnings
 * ("cannot parse …"), or an {@link IOException} (documented for a failing input stream); any
 * runtime exception, hang or runaway allocation is a finding. Regression inputs: {@code
 * GoBinaryFuzzTestInputs/goBinary/} under the test resources.
 */
class GoBinaryFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void goBinary(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new GoBinaryAnalyzer().analyze(FuzzInput.of("usr/local/bin/app", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
