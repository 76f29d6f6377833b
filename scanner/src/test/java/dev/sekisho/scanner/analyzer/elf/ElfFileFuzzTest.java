package dev.sekisho.scanner.analyzer.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the ELF reader: headers, every section's contents, and reads through the segments at each
 * section's address. Any bytes give those or an {@link IOException} ({@link ElfFormatException}
 * naming the problem, or an end of file).
 */
class ElfFileFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void elfFile(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel(data);
    try {
      if (!ElfFile.isElf(ch)) {
        return;
      }
      ElfFile elf = ElfFile.read(ch);
      for (ElfFile.Section s : elf.sections()) {
        try {
          elf.contents(s, 1 << 20);
        } catch (IOException badSection) {
          // one bad section header
        }
        try {
          elf.readAt(s.address(), 16);
        } catch (IOException notMapped) {
          // an address in no segment
        }
      }
    } catch (IOException expected) {
      // documented
    }
  }
}
