package dev.sekisho.scanner.layer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the layer tar reader: any bytes give entries or an {@link IOException} naming the problem.
 * Regression inputs (seeds and every crash found) are in {@code
 * TarReaderFuzzTestInputs/tarEntries/} under the test resources; see docs/testing.md, "Fuzzing".
 */
class TarReaderFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void tarEntries(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    TarReader tar = new TarReader(new ByteArrayInputStream(data));
    try {
      TarReader.Entry entry;
      int entries = 0;
      byte[] buf = new byte[4096];
      while ((entry = tar.next()) != null && entries++ < 10_000) {
        LayerWalker.normalize(entry.name());
        LayerWalker.normalize(entry.linkName());
        InputStream content = tar.content();
        if (entries % 2 == 0) {
          content.skip(entry.size());
        } else {
          while (content.read(buf, 0, buf.length) >= 0) {
            content.available();
          }
        }
      }
    } catch (IOException expected) {
      // a malformed archive: what the walker reports
    }
  }
}
