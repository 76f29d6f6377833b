package dev.sekisho.scanner.layer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the layer decompression: gzip (including concatenated members) and zstd framing, chosen by
 * magic bytes. Any bytes give the decompressed stream or an {@link IOException}.
 */
class CompressionFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void decompress(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try (InputStream in = Compression.decompress(new ByteArrayInputStream(data))) {
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      // a small input may expand a lot (that is what compression is); 64 MiB is enough to see
      // every framing path without spending the fuzzer's time on copying
      while ((n = in.read(buf)) >= 0 && (total += n) < (64 << 20)) {
        in.available();
      }
    } catch (IOException expected) {
      // corrupt or truncated compressed data
    }
  }
}
