package dev.sekisho.testkit.cluster;

import dev.sekisho.testkit.ChildProcess;
import java.time.Duration;
import java.util.List;

/** Runs the host's administration commands ({@code ip}, {@code iptables}, …) for the cluster. */
final class Commands {
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  private Commands() {}

  /** Runs {@code command}; returns its result whatever the exit code. */
  static ChildProcess.Result run(String... command) {
    return ChildProcess.run(new ProcessBuilder(command), TIMEOUT);
  }

  /** Runs {@code command}; throws naming the command and its output when it fails. */
  static String must(String... command) {
    ChildProcess.Result result = run(command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", List.of(command))
              + " failed with exit code "
              + result.exitCode()
              + ": "
              + result.output().strip());
    }
    return result.stdout();
  }
}
