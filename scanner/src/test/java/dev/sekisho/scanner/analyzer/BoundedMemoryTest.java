package dev.sekisho.scanner.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.dotnet.DotnetDepsAnalyzer;
import dev.sekisho.scanner.analyzer.dpkg.DpkgAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmLockfileAnalyzer;
import dev.sekisho.scanner.analyzer.php.ComposerInstalledAnalyzer;
import dev.sekisho.scanner.analyzer.rpm.RpmAnalyzer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile inputs of the issue (a 2 GiB dpkg status of NUL bytes, a 500 MB single-line status,
 * flat JSON lockfiles just under the file limit, a BerkeleyDB rpm database whose item claims 200
 * MiB) analysed one after another in a JVM with a heap of {@value #HEAP}: they used 1.2 to 4.2 GB
 * before the analyzers read with bounded memory, and now finish without an OutOfMemoryError. A
 * forked JVM, so that the heap limit is that of the analyzers alone; memory is proven by the limit,
 * not measured.
 */
class BoundedMemoryTest {
  static final String HEAP = "-Xmx128m";

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void hostileInputsAreAnalysedInASmallHeap() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                HEAP,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Hostile.class.getName())
            .redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("ok ")))
        .as(out)
        .containsExactly(
            "ok dpkg-nul packages=0",
            "ok dpkg-long-line packages=1",
            "ok npm-lockfile packages=100000",
            "ok composer packages=100000",
            "ok dotnet-deps packages=100000",
            "ok rpm-bdb-overflow packages=0");
  }

  /**
   * A BerkeleyDB hash file of two 4 KiB pages whose one data item claims to continue on overflow
   * pages for 200 MiB.
   */
  static byte[] berkeleyDbWithAHugeOverflowItem() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8192).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(12, 0x061561); // hash magic
    b.putInt(20, 4096); // page size
    b.put(25, (byte) 8); // hash metadata page
    b.putInt(32, 1); // last page
    int page = 4096;
    b.putShort(page + 20, (short) 2); // entries: one key, one data item
    b.put(page + 25, (byte) 13); // hash page
    b.putShort(page + 26, (short) 4096); // the key's offset: where the data item ends
    b.putShort(page + 28, (short) 4000); // the data item's offset
    b.put(page + 4000, (byte) 3); // off-page (overflow) item
    b.putInt(page + 4004, 2); // first overflow page
    b.putInt(page + 4008, 200 << 20); // its length
    return b.array();
  }

  /** Runs in the forked JVM: each case, then its package count. */
  public static final class Hostile {
    public static void main(String[] args) throws Exception {
      long max = AnalyzerLimits.DEFAULT_MAX_FILE_BYTES;
      record Case(String name, Analyzer analyzer, AnalysisInput input) {}
      List<Case> cases =
          List.of(
              new Case(
                  "dpkg-nul",
                  new DpkgAnalyzer(),
                  GeneratedInput.zeros("var/lib/dpkg/status", 2L << 30)),
              new Case(
                  "dpkg-long-line",
                  new DpkgAnalyzer(),
                  new GeneratedInput(
                      "var/lib/dpkg/status",
                      "Package: a\nStatus: install ok installed\nVersion: 1\nDescription: ",
                      "x",
                      "\n",
                      500_000_000L)),
              new Case(
                  "npm-lockfile",
                  new NpmLockfileAnalyzer(),
                  new GeneratedInput(
                      "package-lock.json",
                      "{\"packages\":{",
                      "\"node_modules/p\":{\"version\":\"1\"},",
                      "\"node_modules/z\":{\"version\":\"1\"}}}",
                      max - 1)),
              new Case(
                  "composer",
                  new ComposerInstalledAnalyzer(),
                  new GeneratedInput(
                      "vendor/composer/installed.json",
                      "[",
                      "{\"name\":\"v/p\",\"version\":\"1\"},",
                      "{\"name\":\"v/z\",\"version\":\"1\"}]",
                      max - 1)),
              new Case(
                  "dotnet-deps",
                  new DotnetDepsAnalyzer(),
                  new GeneratedInput(
                      "x.deps.json",
                      "{\"libraries\":{",
                      "\"N/1\":{\"type\":\"package\"},",
                      "\"Z/1\":{\"type\":\"package\"}}}",
                      max - 1)),
              new Case(
                  "rpm-bdb-overflow",
                  new RpmAnalyzer(),
                  FixtureInput.of("var/lib/rpm/Packages", berkeleyDbWithAHugeOverflowItem())));
      for (Case c : cases) {
        if (!c.analyzer().required(c.input().path(), c.input().info())) {
          throw new AssertionError(c.analyzer().name() + " does not want " + c.input().path());
        }
        AnalysisResult result = c.analyzer().analyze(c.input());
        if (c.name().startsWith("rpm")) {
          result.warnings().forEach(w -> System.out.println(w.message()));
        }
        System.out.println("ok " + c.name() + " packages=" + result.packages().size());
      }
    }
  }
}
