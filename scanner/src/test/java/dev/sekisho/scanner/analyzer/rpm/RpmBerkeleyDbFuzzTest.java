package dev.sekisho.scanner.analyzer.rpm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the rpm database in BerkeleyDB hash form ({@code Packages}) and the header blobs in it
 * ({@code RpmHeader}) through the rpm analyzer. Any bytes give packages and warnings ("cannot parse
 * …"), or an {@link IOException} (documented for a failing input stream); any runtime exception,
 * hang or runaway allocation is a finding. Regression inputs: {@code
 * RpmBerkeleyDbFuzzTestInputs/berkeleyDb/} under the test resources.
 */
class RpmBerkeleyDbFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void berkeleyDb(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new RpmAnalyzer().analyze(FuzzInput.of("var/lib/rpm/Packages", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
