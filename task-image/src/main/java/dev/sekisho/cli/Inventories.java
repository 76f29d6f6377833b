package dev.sekisho.cli;

import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.scan.ImageScan;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads a target's inventory: from the image, or from an SBOM for {@code sbom:} targets. */
final class Inventories {
  private Inventories() {}

  static Inventory read(Target target, InspectOptions options) throws IOException {
    return ImageScan.inventory(target, options);
  }

  /**
   * Reads a target's inventory, giving up after {@code timeout} (null: no limit). The registry
   * client's own limits bound each request; this bounds the whole read, however many layers and
   * retries it takes. On time out the reading thread is interrupted (its registry connections are
   * closed as it unwinds) and the command fails with exit code 3.
   *
   * @throws InfrastructureException when the time is up
   */
  static Inventory read(Target target, InspectOptions options, Duration timeout)
      throws IOException {
    if (timeout == null) {
      return read(target, options);
    }
    FutureTask<Inventory> task = new FutureTask<>(() -> read(target, options));
    Thread reader = new Thread(task, "sekisho-read-image");
    reader.setDaemon(true);
    reader.start();
    try {
      return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new InfrastructureException(
          "reading "
              + target.input()
              + " did not finish within "
              + timeout.toSeconds()
              + " s (the scan time limit; raise it with --timeout SECONDS, 0 for no limit)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + target.input());
    }
  }
}
