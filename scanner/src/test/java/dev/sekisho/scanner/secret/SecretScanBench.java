package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.model.Location;
import java.util.Random;

/**
 * Throughput of the secret scanner over generated data (not a test: run by hand, results in
 * bench/secret-scan.md). Usage: {@code SecretScanBench [totalMiB]}. Three corpora: text without
 * keywords (the common case: one keyword pass), text where every file has keywords (regexes run),
 * and binaries (NUL probe only).
 */
public final class SecretScanBench {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private SecretScanBench() {}

  public static void main(String[] args) {
    int totalMiB = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    SecretScanner scanner = SecretScanner.withDefaults();
    int fileSize = 64 * 1024;
    int files = totalMiB * 16;
    Random random = new Random(1);
    byte[] plain = text(random, fileSize, false);
    byte[] keyworded = text(random, fileSize, true);
    byte[] binary = new byte[fileSize];
    random.nextBytes(binary);
    binary[100] = 0;
    for (int round = 0; round < 3; round++) {
      for (var corpus :
          new Object[][] {
            {"text, no keywords", plain}, {"text with keywords", keyworded}, {"binary", binary}
          }) {
        byte[] data = (byte[]) corpus[1];
        long found = 0;
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < files; i++) {
          found += scanner.scan(data, data.length, new Location(null, "/f" + i)).size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf(
            "round %d  %-20s %6d MiB in %6.2f s = %7.1f MiB/s wall, %7.1f MiB/s CPU (%d findings)%n",
            round, corpus[0], totalMiB, seconds, totalMiB / seconds, totalMiB / cpu, found);
      }
    }
  }

  /** Source-like text; with keywords, every 4 KiB holds "password", "token" and "aws". */
  private static byte[] text(Random random, int size, boolean keywords) {
    String words = "the of int return value config while for if else name path data item list";
    String[] w = words.split(" ");
    StringBuilder s = new StringBuilder(size);
    while (s.length() < size) {
      if (keywords && s.length() % 4096 < 80) {
        s.append("password = getenv(\"DB\") # token aws\n");
      }
      s.append(w[random.nextInt(w.length)]).append(random.nextInt(10) == 0 ? "\n" : " ");
    }
    return s.substring(0, size).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
