package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.SekishoCrds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void onJdk25TheFirstRunMakesAnAotCacheThatLaterRunsUseAndAStaleOneIsIgnored(@TempDir Path tmp)
      throws Exception {
    Path jvm = tmp.resolve("cds");
    Map<String, String> env = Map.of("SEKISHO_CDS", "1", "SEKISHO_CDS_DIR", jvm.toString());
    // the training run writes nothing of its own to stdout, where reports go (a JIT setting of
    // the user's replaces the launcher's, and with it the option that silenced the JVM's output)
    Map<String, String> training = new HashMap<>(env);
    training.put("SEKISHO_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
    Run first = run(tmp, training);
    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(first.out()).startsWith("sekisho ");
    assertThat(first.out().lines()).as(first.out()).hasSize(2);
    String jdk = Files.readAllLines(tmp.resolve("xdg/sekisho/jdk")).get(1);
    boolean aot = releaseMajor(Path.of(jdk)) >= 25;
    List<Path> caches = list(jvm);
    assertThat(caches).hasSize(1);
    assertThat(caches.get(0).getFileName().toString())
        .startsWith("sekisho-version-")
        .endsWith(aot ? ".aot" : ".jsa");

    // -XX:AOTMode=on (or -Xshare:on) makes the JVM fail when it cannot use the cache: it can
    Map<String, String> strict = new HashMap<>(env);
    strict.put("SEKISHO_JAVA_OPTS", aot ? "-XX:AOTMode=on" : "-Xshare:on");
    Run used = run(tmp, strict);
    assertThat(used.exit()).as(used.out()).isZero();
    assertThat(used.out()).startsWith("sekisho ").doesNotContain("aot").doesNotContain("AOT");

    // a cache that is damaged (or from another build) is ignored without a word
    Files.write(caches.get(0), "not a cache".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Run stale = run(tmp, env);
    assertThat(stale.exit()).as(stale.out()).isZero();
    assertThat(stale.out()).isEqualTo(used.out());
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theAotCacheIsUsedOnlyOnJdk25AndNewerAndClassDataSharingBefore(@TempDir Path tmp)
      throws Exception {
    Path cache = tmp.resolve("xdg/sekisho/jdk");
    assertThat(run(tmp).exit()).isZero();
    List<String> kept = Files.readAllLines(cache);
    for (String version : List.of("21.0.5", "25.0.1", "26")) {
      Path fake = tmp.resolve("jdk-" + version);
      Files.createDirectories(fake.resolve("bin"));
      Files.writeString(fake.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
      Path java = fake.resolve("bin/java");
      Files.writeString(java, "#!/bin/sh\necho \" $* \"\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.write(cache, List.of(kept.get(0), fake.toString()));
      Path jvm = tmp.resolve("cds-" + version);
      String args = run(tmp, Map.of("SEKISHO_CDS", "1", "SEKISHO_CDS_DIR", jvm.toString())).out();
      if (version.startsWith("21")) {
        assertThat(args).contains(" -XX:ArchiveClassesAtExit=").doesNotContain("AOT");
      } else {
        assertThat(args)
            .contains(" -XX:AOTMode=record ", " -XX:AOTConfiguration=")
            .doesNotContain("ArchiveClassesAtExit");
      }
    }
  }

  private static int releaseMajor(Path jdk) throws java.io.IOException {
    for (String line : Files.readAllLines(jdk.resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=")) {
        return Runtime.Version.parse(line.substring(13).replace("\"", "")).feature();
      }
    }
    return 0;
  }

  private static List<Path> list(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  private record Run(int exit, String out) {}

  private static Run run(Path tmp, String name, String value) throws Exception {
    return run(tmp, Map.of(name, value));
  }

  private static Run run(Path tmp) throws Exception {
    return run(tmp, Map.of());
  }

  private static Run run(Path tmp, Map<String, String> env) throws Exception {
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
    pb.environment().remove("SEKISHO_CDS");
    pb.environment().putAll(env);
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("xdg").toString());
    pb.environment().putIfAbsent("SEKISHO_CDS", "0");
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofSeconds(60));
    return new Run(r.exitCode(), r.stdout());
  }
}
