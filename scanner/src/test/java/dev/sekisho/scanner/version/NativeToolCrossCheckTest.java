package dev.sekisho.scanner.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks our dpkg and RPM orderings against the real tools on the same data files (and a few
 * generated pairs), so that a wrong expectation in a data file cannot hide a wrong port.
 */
class NativeToolCrossCheckTest {

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    return ChildProcess.run(
            new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(60))
        .stdout();
  }

  private static List<String[]> pairs(String scheme) throws IOException {
    List<String[]> pairs = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (VersionDataFile.Case c : VersionDataFile.load(scheme).cases()) {
      pairs.add(new String[] {c.a(), c.b()});
      all.add(c.a());
      all.add(c.b());
    }
    // also every version against its neighbours in the file, to go beyond the written lines
    for (int i = 0; i + 3 < all.size(); i += 3) {
      pairs.add(new String[] {all.get(i), all.get(i + 3)});
    }
    return pairs;
  }

  @Test
  void dpkgOrderingAgreesWithDpkgCompareVersions() throws Exception {
    assumeTrue(onPath("dpkg"), "dpkg is not installed");
    List<String> disagreements = new ArrayList<>();
    for (String[] p : pairs("dpkg")) {
      int ours = Integer.signum(DpkgVersion.SCHEME.compare(p[0], p[1]));
      int theirs;
      if (exit("dpkg", "--compare-versions", p[0], "lt", p[1]) == 0) {
        theirs = -1;
      } else if (exit("dpkg", "--compare-versions", p[0], "eq", p[1]) == 0) {
        theirs = 0;
      } else {
        theirs = 1;
      }
      if (ours != theirs) {
        disagreements.add(p[0] + " vs " + p[1] + ": ours " + ours + ", dpkg " + theirs);
      }
    }
    assertThat(disagreements).isEmpty();
  }

  private static int exit(String... command) throws IOException, InterruptedException {
    return ChildProcess.run(
            new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(60))
        .exitCode();
  }

  @Test
  void rpmOrderingAgreesWithRpmVercmp() throws Exception {
    assumeTrue(onPath("rpm"), "rpm is not installed");
    List<String[]> pairs = pairs("rpm");
    StringBuilder lua = new StringBuilder("%{lua: ");
    for (String[] p : pairs) {
      lua.append("print(rpm.vercmp('").append(p[0]).append("','").append(p[1]).append("')..' ') ");
    }
    lua.append('}');
    String[] results = run(List.of("rpm", "--eval", lua.toString())).strip().split("\\s+");
    assertThat(results).as("one rpm.vercmp result per pair").hasSize(pairs.size());
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      int ours = Integer.signum(RpmVersion.SCHEME.compare(pairs.get(i)[0], pairs.get(i)[1]));
      int theirs = Integer.signum(Integer.parseInt(results[i]));
      if (ours != theirs) {
        disagreements.add(
            pairs.get(i)[0] + " vs " + pairs.get(i)[1] + ": ours " + ours + ", rpm " + theirs);
      }
    }
    assertThat(disagreements).isEmpty();
  }
}
