package dev.sekisho.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process for a test with a deadline. Its output goes to temporary files, never to a pipe
 * the test reads, so a process that hangs (or fills a pipe nobody drains) cannot block the test:
 * the test waits at most the timeout, then the process and all its descendants are killed and the
 * test fails with the command and the end of the output. Standard input is {@code /dev/null}.
 */
public final class ChildProcess {
  /** How long a killed process may take to go away before the test stops waiting for it. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private static final int TAIL = 4000;

  private ChildProcess() {}

  /**
   * How a process ended.
   *
   * @param command the command line
   * @param exitCode its exit code
   * @param stdout standard output (with standard error when the builder merged them)
   * @param stderr standard error, or "" when merged into {@code stdout}
   */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Standard output and standard error, for assertion messages. */
    public String output() {
      return stderr.isEmpty() ? stdout : stdout + stderr;
    }
  }

  /**
   * Starts {@code builder}'s command, waits until it exits or {@code timeout} passes, and returns
   * its exit code and output. On timeout, or when the waiting thread is interrupted (a JUnit
   * timeout), the process tree is killed and an {@link AssertionError} names the command.
   */
  public static Result run(ProcessBuilder builder, Duration timeout) {
    List<String> command = List.copyOf(builder.command());
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("sekisho-test-process-", ".out");
      builder.redirectOutput(out.toFile()).redirectInput(new File("/dev/null"));
      if (!builder.redirectErrorStream()) {
        err = Files.createTempFile("sekisho-test-process-", ".err");
        builder.redirectError(err.toFile());
      }
      Process process = builder.start();
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(process);
        Thread.currentThread().interrupt();
        throw new AssertionError(
            "interrupted while waiting for " + command + tail(read(out)) + tail(read(err)), e);
      }
      if (!exited) {
        kill(process);
        throw new AssertionError(
            command
                + " did not finish within "
                + timeout
                + " and was killed"
                + tail(read(out))
                + tail(read(err)));
      }
      return new Result(command, process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } finally {
      delete(out);
      delete(err);
    }
  }

  /**
   * Stops a process the test started: SIGTERM to it and its descendants, then, after {@code grace},
   * SIGKILL. Returns once it is gone (or {@link #KILL_WAIT} after the SIGKILL).
   */
  public static void stop(Process process, Duration grace) {
    if (process == null || !process.isAlive()) {
      return;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        descendants.forEach(ProcessHandle::destroyForcibly);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(process);
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGKILL to the process and all its descendants; waits briefly for the process to go. */
  public static void kill(Process process) {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    boolean interrupted = Thread.interrupted();
    try {
      process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String read(Path file) {
    if (file == null) {
      return "";
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read the output: " + e.getMessage() + ")";
    }
  }

  private static String tail(String text) {
    if (text.isEmpty()) {
      return "";
    }
    return "\n"
        + (text.length() > TAIL ? "…" + text.substring(text.length() - TAIL) : text).strip();
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file; the OS cleans up
      }
    }
  }
}
