package dev.sekisho.testkit.runc;

import dev.sekisho.testkit.fixtures.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One container started by {@code runc run} (in the foreground of a child process, so its exit code
 * is the container's). Output goes to files in the run's directory. {@link #close} stops it (TERM,
 * up to 10 s, then KILL), deletes runc's state and removes the run's directory.
 */
public final class RuncContainer implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** How a container ended. */
  public record Exit(int code, String stdout, String stderr) {}

  private final ExternalTool runc;
  private final Path stateDir;
  private final Path runDir;
  private final String id;
  private final Process process;
  private final Thread shutdownHook;

  private RuncContainer(ExternalTool runc, Path stateDir, Path runDir, String id, Process process) {
    this.runc = runc;
    this.stateDir = stateDir;
    this.runDir = runDir;
    this.id = id;
    this.process = process;
    this.shutdownHook = new Thread(this::kill, "sekisho-runc-" + id + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  static RuncContainer start(ExternalTool runc, Path stateDir, Path runDir, String id) {
    List<String> command =
        List.of(
            runc.executable().toString(),
            "--root",
            stateDir.toString(),
            "run",
            "--bundle",
            runDir.toString(),
            id);
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(runDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(runDir.resolve("stdout").toFile())
              .redirectError(runDir.resolve("stderr").toFile())
              .start();
      return new RuncContainer(runc, stateDir, runDir, id, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
  }

  /** The container's id in runc's state. */
  public String id() {
    return id;
  }

  /** Whether the container still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the container wrote so far. */
  public String stdout() {
    return read(runDir.resolve("stdout"));
  }

  /** What the container (and runc) wrote so far on stderr. */
  public String stderr() {
    return read(runDir.resolve("stderr"));
  }

  /**
   * The host PID of the container's first process, from {@code runc state}, if it runs; read its
   * {@code /proc/PID/status} to see the user it runs as.
   */
  public OptionalLong pid() {
    try {
      String state =
          runc.run(runDir, Duration.ofSeconds(30), "--root", stateDir.toString(), "state", id);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"pid\":\\s*(\\d+)").matcher(state);
      return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    } catch (IllegalStateException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Waits for the container to end; kills it and fails when it runs longer than {@code timeout}.
   */
  public Exit awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new IllegalStateException(
            "container "
                + id
                + " did not exit within "
                + timeout
                + "; stdout:\n"
                + stdout()
                + "\nstderr:\n"
                + stderr());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while waiting for container " + id, e);
    }
    return new Exit(process.exitValue(), stdout(), stderr());
  }

  /** Sends TERM and waits up to {@code grace} for the container to end; returns its exit. */
  public Exit stop(Duration grace) {
    signal("TERM");
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    return new Exit(process.isAlive() ? -1 : process.exitValue(), stdout(), stderr());
  }

  private void signal(String signal) {
    List<String> args = new ArrayList<>(List.of("--root", stateDir.toString(), "kill", id, signal));
    try {
      runc.run(runDir, Duration.ofSeconds(30), args.toArray(String[]::new));
    } catch (IllegalStateException e) {
      // already gone
    }
  }

  private void kill() {
    if (process.isAlive()) {
      signal("KILL");
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
    try {
      runc.run(
          runDir, Duration.ofSeconds(30), "--root", stateDir.toString(), "delete", "--force", id);
    } catch (IllegalStateException e) {
      // runc removed it when the container ended
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop(STOP_GRACE);
    }
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook anyway
    }
    RuncImage.deleteTree(runDir);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
