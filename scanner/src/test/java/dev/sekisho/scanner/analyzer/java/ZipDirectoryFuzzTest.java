package dev.sekisho.scanner.analyzer.java;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the zip central directory reader on its own: every entry picked and read. Any bytes give
 * no directory (null), entries, or an {@link IOException} (a {@code ZipException} naming the
 * problem).
 */
class ZipDirectoryFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void zipDirectory(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    try {
      ZipDirectory zip = ZipDirectory.read(new SeekableInMemoryByteChannel(data), 1 << 20);
      if (zip == null) {
        return;
      }
      List<ZipDirectory.Entry> entries = zip.entries(name -> true);
      byte[] buf = new byte[4096];
      for (ZipDirectory.Entry e : entries) {
        try (InputStream in = zip.open(e)) {
          long total = 0;
          int n;
          while ((n = in.read(buf)) >= 0 && (total += n) < (16 << 20)) {
            // inflate it all (bounded: a small entry may expand a lot)
          }
        } catch (IOException corruptEntry) {
          // one corrupt entry; the others may still be read
        }
      }
    } catch (IOException expected) {
      // documented
    }
  }
}
