package dev.sekisho.scanner.analyzer.python;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.FuzzInput;
import java.io.IOException;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes Python core metadata (dist-info METADATA, egg-info PKG-INFO) through its analyzer. Any
 * bytes give packages and warnings ("cannot parse …"), or an {@link IOException} (documented for a
 * failing input stream); any runtime exception, hang or runaway allocation is a finding. Regression
 * inputs: {@code PythonMetadataFuzzTestInputs/pythonMetadata/} under the test resources.
 */
class PythonMetadataFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void pythonMetadata(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      new PythonMetadataAnalyzer()
          .analyze(FuzzInput.of("usr/lib/python3/site-packages/demo-1.0.dist-info/METADATA", data));
    } catch (IOException expected) {
      // documented
    }
  }
}
