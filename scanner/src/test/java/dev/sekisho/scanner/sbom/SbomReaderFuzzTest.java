package dev.sekisho.scanner.sbom;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the reading of CycloneDX and SPDX JSON SBOMs given to {@code sekisho scan --sbom}. Any
 * bytes give an inventory or an {@link SbomFormatException} naming the file and the problem.
 */
class SbomReaderFuzzTest {
  private static final int MAX_INPUT = 16 << 10;
  private static Path file;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void sbom(byte[] data) throws IOException {
    if (data.length > MAX_INPUT) {
      return;
    }
    Path f = file();
    Files.write(f, data);
    try {
      SbomReader.read(f);
    } catch (SbomFormatException expected) {
      // documented
    }
  }

  private static synchronized Path file() {
    if (file == null) {
      try {
        file = Files.createTempFile("sekisho-sbom-fuzz-", ".json");
        file.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }
}
