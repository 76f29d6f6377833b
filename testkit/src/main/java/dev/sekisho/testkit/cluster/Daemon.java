package dev.sekisho.testkit.cluster;

import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** One long-running process of the cluster, its output appended to {@code <logDir>/<name>.log}. */
final class Daemon {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final Path log;
  private final Process process;

  private Daemon(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static Daemon start(String name, Path logDir, List<String> command) {
    Path log = logDir.resolve(name + ".log");
    try {
      Files.writeString(log, "# " + String.join(" ", command) + "\n");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new Daemon(name, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.getFirst() + ")", e);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls {@code ready} until it holds; fails with the tail of the log when the process exits or
   * {@code timeout} passes.
   */
  void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before " + what + tail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + ": no " + what + " within " + timeout.toSeconds() + " s" + tail());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** The last lines of the log, for error messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "; last lines of "
          + log
          + ":\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException e) {
      return "; no log " + log + ": " + e.getMessage();
    }
  }

  void stop() {
    ChildProcess.stop(process, STOP_GRACE);
  }
}
