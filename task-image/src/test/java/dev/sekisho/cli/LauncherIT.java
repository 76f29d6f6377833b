package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.SekishoCrds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./sekisho} launcher (after {@code package}): it keeps the JDK that
 * hack/jdk.sh picked, uses the kept one while nothing it depends on changes, and asks again when
 * the kept answer is stale or gone.
 */
class LauncherIT {
  private static final Path ROOT = SekishoCrds.repositoryRoot();

  @Test
  void theChosenJdkIsKeptAndUsedUntilItNoLongerFits(@TempDir Path tmp) throws Exception {
    Path cache = tmp.resolve("xdg/sekisho/jdk");

    Run first = run(tmp);
    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(first.out()).startsWith("sekisho ");
    List<String> kept = Files.readAllLines(cache);
    assertThat(kept).hasSize(2);
    assertThat(Path.of(kept.get(1)).resolve("bin/java")).isExecutable();

    // the same key with another "JDK": the launcher trusts what it kept, without asking again
    Path fake = tmp.resolve("fake-jdk");
    Files.createDirectories(fake.resolve("bin"));
    Path java = fake.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho fake java ran\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(cache, List.of(kept.get(0), fake.toString()));
    assertThat(run(tmp).out()).isEqualTo("fake java ran\n");

    // a stale key, or a kept JDK that is gone: asked again, and the answer kept anew
    Files.write(cache, List.of("stale", fake.toString()));
    Run stale = run(tmp);
    assertThat(stale.out()).startsWith("sekisho ");
    assertThat(Files.readAllLines(cache)).isEqualTo(kept);
    Files.write(cache, List.of(kept.get(0), tmp.resolve("gone").toString()));
    assertThat(run(tmp).out()).startsWith("sekisho ");
    assertThat(Files.readAllLines(cache)).isEqualTo(kept);
  }

  @Test
  void theHeapLimitIs512MiBUnlessAHeapOptionIsGiven(@TempDir Path tmp) throws Exception {
    Path cache = tmp.resolve("xdg/sekisho/jdk");
    assertThat(run(tmp).exit()).isZero();
    List<String> kept = Files.readAllLines(cache);
    Path fake = tmp.resolve("fake-jdk");
    Files.createDirectories(fake.resolve("bin"));
    Path java = fake.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho \" $* \"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(cache, List.of(kept.get(0), fake.toString()));

    assertThat(run(tmp).out()).contains(" -Xmx512m ");
    assertThat(run(tmp, "SEKISHO_JAVA_OPTS", "-Xmx2g").out())
        .contains(" -Xmx2g ")
        .doesNotContain("-Xmx512m");
    assertThat(run(tmp, "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75").out())
        .doesNotContain("-Xmx512m");
  }

  private record Run(int exit, String out) {}

  private static Run run(Path tmp, String name, String value) throws Exception {
    return run(tmp, java.util.Map.of(name, value));
  }

  private static Run run(Path tmp) throws Exception {
    return run(tmp, java.util.Map.of());
  }

  private static Run run(Path tmp, java.util.Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", ROOT.resolve("sekisho").toString(), "version")
            .redirectErrorStream(true);
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.equals("SEKISHO_JAVA_OPTS")
                    || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("JDK_JAVA_OPTIONS"));
    pb.environment().putAll(env);
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("xdg").toString());
    pb.environment().put("SEKISHO_CDS", "0");
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofSeconds(60));
    return new Run(r.exitCode(), r.stdout());
  }
}
