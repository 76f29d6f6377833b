package dev.sekisho.scanner.vulndb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the import of one OSV record file into a vulnerability database: the JSON reading ({@link
 * OsvReader}) and the conversion and storage ({@link DatabaseBuilder#add}: severities, CVSS
 * vectors, ratings, ecosystem keys, ranges). Any bytes give a record stored, a record skipped, or
 * an {@link IOException}.
 */
class OsvRecordFuzzTest {
  private static final int MAX_INPUT = 16 << 10;
  private static Path dir;
  private static DatabaseBuilder builder;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void osvRecord(byte[] data) throws IOException {
    if (data.length > MAX_INPUT) {
      return;
    }
    Path file = work().resolve("record.json");
    Files.write(file, data);
    try {
      OsvReader.read(file, builder::add);
    } catch (IOException expected) {
      // documented
    }
  }

  /** One database for the whole run (a file per input would make the fuzzer crawl). */
  private static synchronized Path work() {
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("sekisho-osv-fuzz-");
        builder = DatabaseBuilder.create(dir.resolve("db.sqlite"));
        Runtime.getRuntime().addShutdownHook(new Thread(OsvRecordFuzzTest::cleanUp));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  private static void cleanUp() {
    try {
      builder.close();
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }
}
