package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry time limits from the command line, against a "registry" on 127.0.0.1 that never
 * answers: its socket listens but never accepts, so connections complete (the kernel queues them)
 * and no byte ever comes back.
 */
class RegistryLimitOptionsTest {

  private static CliRun sbom(ServerSocket silent, String... flags) {
    String registry = "127.0.0.1:" + silent.getLocalPort();
    String[] args = new String[flags.length + 4];
    args[0] = "sbom";
    args[1] = registry + "/team/app:1";
    args[2] = "--insecure-registry";
    args[3] = registry;
    System.arraycopy(flags, 0, args, 4, flags.length);
    return CliRun.run(args);
  }

  private static ServerSocket silent() throws Exception {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aRegistryThatNeverAnswersFailsAtTheReadTimeoutWithExitCode3() throws Exception {
    try (ServerSocket silent = silent()) {
      CliRun run = sbom(silent, "--registry-read-timeout", "1", "--registry-max-attempts", "1");
      assertThat(run.exitCode()).isEqualTo(ExitCode.SCANNER_ERROR.code());
      assertThat(run.err())
          .contains("127.0.0.1:" + silent.getLocalPort())
          .contains("no data for 1 s (the registry read timeout")
          .contains("--registry-read-timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void theScanTimeLimitEndsTheCommandWhateverTheRegistryLimitsAllow() throws Exception {
    try (ServerSocket silent = silent()) {
      CliRun run = sbom(silent, "--timeout", "1");
      assertThat(run.exitCode()).isEqualTo(ExitCode.SCANNER_ERROR.code());
      assertThat(run.err())
          .contains("reading 127.0.0.1:" + silent.getLocalPort() + "/team/app:1")
          .contains("did not finish within 1 s")
          .contains("--timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void limitsAreSetFromTheEnvironmentToo() throws Exception {
    try (ServerSocket silent = silent()) {
      String registry = "127.0.0.1:" + silent.getLocalPort();
      CliRun run =
          CliRun.run(
              java.util.Map.of(
                  "HOME",
                  System.getProperty("java.io.tmpdir") + "/sekisho-cli-test-home",
                  "SEKISHO_REGISTRY_REQUEST_TIMEOUT",
                  "1",
                  "SEKISHO_REGISTRY_MAX_ATTEMPTS",
                  "1"),
              "sbom",
              registry + "/team/app:1",
              "--insecure-registry",
              registry);
      assertThat(run.exitCode()).isEqualTo(ExitCode.SCANNER_ERROR.code());
      assertThat(run.err())
          .contains("no complete answer from " + registry + " within 1 s")
          .contains("--registry-request-timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void nonPositiveLimitsAreUsageErrors() throws Exception {
    try (ServerSocket silent = silent()) {
      for (String[] flags :
          new String[][] {
            {"--registry-read-timeout", "0"},
            {"--registry-connect-timeout", "-1"},
            {"--registry-request-timeout", "0"},
            {"--registry-retry-timeout", "0"},
            {"--registry-max-attempts", "0"},
            {"--registry-min-speed", "-5"},
            {"--registry-min-speed-time", "0"},
            {"--timeout", "-1"}
          }) {
        CliRun run = sbom(silent, flags);
        assertThat(run.exitCode()).as(flags[0]).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).as(flags[0]).contains("invalid " + flags[0] + " " + flags[1]);
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void theDefaultsAreSaneForLargeLayersOnSlowLinks() {
    ImageOptions image = new ImageOptions();
    assertThat(image.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(image.limits().minBlobSpeed()).isEqualTo(10 * 1024);
    assertThat(image.limits().readTimeout()).isEqualTo(Duration.ofSeconds(60));
  }
}
