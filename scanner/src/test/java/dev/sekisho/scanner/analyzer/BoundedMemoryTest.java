package dev.sekisho.scanner.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.dotnet.DotnetDepsAnalyzer;
import dev.sekisho.scanner.analyzer.dpkg.DpkgAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmLockfileAnalyzer;
import dev.sekisho.scanner.analyzer.php.ComposerInstalledAnalyzer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile inputs of the issue (a 2 GiB dpkg status of NUL bytes, a 500 MB single-line status,
 * flat JSON lockfiles just under the file limit) analysed one after another in a JVM with a heap of
 * {@value #HEAP}: they used 1.2 to 4.2 GB before the analyzers read with bounded memory, and now
 * finish without an OutOfMemoryError. A forked JVM, so that the heap limit is that of the analyzers
 * alone; memory is proven by the limit, not measured.
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
            "ok dotnet-deps packages=100000");
  }

  /** Runs in the forked JVM: each case, then its package count. */
  public static final class Hostile {
    public static void main(String[] args) throws Exception {
      long max = AnalyzerLimits.DEFAULT_MAX_FILE_BYTES;
      record Case(String name, Analyzer analyzer, GeneratedInput input) {}
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
                      max - 1)));
      for (Case c : cases) {
        AnalysisResult result = c.input().analyzeWithAnalyzer(c.analyzer());
        System.out.println("ok " + c.name() + " packages=" + result.packages().size());
      }
    }
  }
}
