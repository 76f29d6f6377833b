package dev.sekisho.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChildProcessTest {

  @Test
  void returnsTheExitCodeAndBothStreams() {
    ChildProcess.Result r =
        ChildProcess.run(
            new ProcessBuilder("sh", "-c", "echo out; echo err >&2; exit 3"),
            Duration.ofSeconds(60));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
  }

  @Test
  void aProcessThatFillsAPipeNobodyReadsStillFinishes() {
    // 4 MiB on stdout and stderr: far beyond a pipe's buffer
    ChildProcess.Result r =
        ChildProcess.run(
            new ProcessBuilder(
                "sh", "-c", "head -c 4194304 /dev/zero; head -c 4194304 /dev/zero >&2; exit 0"),
            Duration.ofSeconds(60));

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).hasSize(4 << 20);
    assertThat(r.stderr()).hasSize(4 << 20);
  }

  @Test
  void aHungProcessIsKilledWithItsChildrenAndTheFailureNamesIt(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("child.pid");
    ProcessBuilder hung =
        new ProcessBuilder("sh", "-c", "sleep 600 & echo $! > " + pid + "; echo started; wait")
            .redirectErrorStream(true);

    assertThatThrownBy(() -> ChildProcess.run(hung, Duration.ofSeconds(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("sleep 600")
        .hasMessageContaining("did not finish within PT2S")
        .hasMessageContaining("started");

    long child = Long.parseLong(Files.readString(pid).strip());
    ProcessHandle.of(child)
        .ifPresent(h -> assertThat(h.onExit()).succeedsWithin(Duration.ofSeconds(30)));
  }

  @Test
  void stopEndsAProcessThatIgnoresSigterm() throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; while :; do sleep 1; done").start();

    ChildProcess.stop(p, Duration.ofSeconds(1));

    assertThat(p.isAlive()).isFalse();
  }
}
