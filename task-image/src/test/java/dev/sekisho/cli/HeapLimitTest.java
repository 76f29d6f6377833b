package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.kube.SekishoCrds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task image's entry point gives the JVM a 512 MiB heap limit unless the user (or the Task,
 * through JAVA_TOOL_OPTIONS) names one. Runs the real script with a stand-in {@code java} on the
 * PATH that prints the options it was given.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeapLimitTest {
  private static final Path ENTRY_POINT =
      SekishoCrds.repositoryRoot().resolve("task-image/src/main/jib/usr/local/bin/sekisho");

  @TempDir Path tmp;

  @Test
  void theDefaultHeapLimitIs512MiB() throws Exception {
    assertThat(run(Map.of())).contains(" -Xmx512m ");
  }

  @Test
  void aHeapOptionOfTheUserOrTheTaskWins() throws Exception {
    assertThat(run(Map.of("SEKISHO_JAVA_OPTS", "-Xmx2g")))
        .doesNotContain("-Xmx512m")
        .contains("-Xmx2g");
    assertThat(run(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75")))
        .doesNotContain("-Xmx512m");
    assertThat(run(Map.of("JDK_JAVA_OPTIONS", "-XX:MaxHeapSize=1g"))).doesNotContain("-Xmx512m");
    // other options leave the default in place
    assertThat(run(Map.of("SEKISHO_JAVA_OPTS", "-Dx=1"))).contains(" -Xmx512m ");
  }

  private String run(Map<String, String> env) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \" $* \"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("sh", ENTRY_POINT.toString(), "version");
    Map<String, String> environment = pb.environment();
    environment
        .keySet()
        .removeIf(k -> k.startsWith("JAVA") || k.startsWith("JDK_") || k.startsWith("SEKISHO"));
    environment.put("PATH", bin + ":/usr/bin:/bin");
    environment.putAll(new HashMap<>(env));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
