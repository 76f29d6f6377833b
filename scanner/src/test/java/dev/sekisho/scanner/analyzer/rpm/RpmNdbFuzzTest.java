package dev.sekisho.scanner.analyzer.rpm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the rpm database in NDB form ({@code Packages.db}) and the header blobs in it through the
 * rpm analyzer. Any bytes give packages and warnings ("cannot parse …"), or an {@link IOException}
 * (documented for a failing input stream); any runtime exception, hang or runaway allocation is a
 * finding. Regression inputs: {@code RpmNdbFuzzTestInputs/ndb/} under the test resources.
 */
class RpmNdbFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void ndb(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new RpmAnalyzer().analyze(FuzzInput.of("usr/lib/sysimage/rpm/Packages.db", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
