package dev.sekisho.scanner.analyzer.rpm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the rpm header blob parser on its own. Any bytes give a header or the documented {@link
 * IllegalArgumentException} naming the problem (which the analyzer turns into a warning).
 */
class RpmHeaderFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void rpmHeader(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    RpmHeader header;
    try {
      header = RpmHeader.parse(data);
    } catch (IllegalArgumentException expected) {
      return; // documented: a malformed blob
    }
    RpmAnalyzer.toPackage(
        header, dev.sekisho.scanner.analyzer.FuzzInput.of("var/lib/rpm/Packages", data));
  }
}
