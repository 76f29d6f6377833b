package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open database serves concurrent scans (the operator's scan API runs several at once): reads
 * on several threads proceed at the same time on connections of their own, and give the answers
 * they give one at a time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentReadsTest {
  @TempDir static Path dir;
  static final int PACKAGES = 300;

  @BeforeAll
  static void database() throws Exception {
    List<OsvFixtures.Rec> recs = new ArrayList<>();
    for (int i = 0; i < PACKAGES; i++) {
      recs.add(
          rec("DEBIAN-CVE-2099-" + i)
              .affected(
                  "Debian:12", "pkg-" + i, List.of("i:0", "f:" + (i % 7 + 1) + ".0-1"), null));
      if (i % 3 == 0) {
        recs.add(rec("GHSA-" + i).affected("npm", "npm-" + i, List.of("i:0", "f:2.0.0"), null));
      }
    }
    Path zip = Files.createTempDirectory("osv").resolve("all.zip");
    Files.write(zip, OsvFixtures.zip(recs, Map.of()));
    new DatabaseUpdater().importFrom(List.of(zip), dir, line -> {});
  }

  @Test
  void twoThreadsReadAtTheSameTime() throws Exception {
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      // each thread waits inside a read until the other is inside one too: with one connection
      // for all (a synchronized database) the second could never enter and the barrier breaks
      CyclicBarrier bothInside = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Integer>> reads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          reads.add(
              pool.submit(
                  () ->
                      db.read(
                          r -> {
                            try {
                              bothInside.await(20, TimeUnit.SECONDS);
                            } catch (Exception e) {
                              throw new IOException("the other read did not start", e);
                            }
                            try (var s = r.connection.createStatement();
                                var rs = s.executeQuery("SELECT count(*) FROM advisory")) {
                              return rs.next() ? rs.getInt(1) : -1;
                            }
                          })));
        }
        for (Future<Integer> read : reads) {
          assertThat(read.get()).isEqualTo(PACKAGES + PACKAGES / 3);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(db.openConnections()).isEqualTo(2);
    }
  }

  @Test
  void concurrentLookupsGiveTheAnswersOfSequentialOnes() throws Exception {
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      Map<String, String> expected = new HashMap<>();
      for (int i = 0; i < PACKAGES; i++) {
        expected.put("pkg-" + i, describe(db, i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Map<String, String>>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          int offset = t * 17;
          results.add(
              pool.submit(
                  () -> {
                    Map<String, String> seen = new HashMap<>();
                    for (int k = 0; k < PACKAGES; k++) {
                      int i = (k + offset) % PACKAGES;
                      seen.put("pkg-" + i, describe(db, i));
                    }
                    return seen;
                  }));
        }
        for (Future<Map<String, String>> r : results) {
          assertThat(r.get()).isEqualTo(expected);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Everything the matcher asks about one package, as text. */
  private static String describe(VulnDatabase db, int i) throws IOException {
    StringBuilder out = new StringBuilder();
    List<AffectedEntry> entries = db.affected("Debian:12", "pkg-" + i);
    for (AffectedEntry e : entries) {
      Advisory a = db.advisory(e.advisoryKey());
      out.append(a.id()).append(' ').append(e.ranges()).append(' ');
      out.append(db.knownExploited(a.id())).append(' ').append(db.cvss(a.id()).isPresent());
    }
    out.append(db.affected("npm", List.of("npm-" + i, "npm-" + (i + 1))).keySet());
    out.append(db.holdsEcosystem("npm")).append(db.holdsEcosystem("PyPI"));
    return out.toString();
  }

  @Test
  void aClosedDatabaseRefusesReadsWithAClearError() throws Exception {
    VulnDatabase db = VulnDatabase.open(dir);
    db.close();
    assertThatThrownBy(() -> db.affected("Debian:12", "pkg-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is closed");
    db.close(); // twice is harmless
  }
}
