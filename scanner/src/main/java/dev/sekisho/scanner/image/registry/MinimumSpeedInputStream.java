package dev.sekisho.scanner.image.registry;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Fails a download that stays below a minimum average speed for a while, like curl's {@code
 * --speed-limit} and {@code --speed-time}: a server that drips a layer a few bytes at a time never
 * trips the read timeout, yet would hold a scan for days.
 *
 * <p>Only the time spent waiting in {@code read} counts: a reader that stops to analyse what it
 * read (the layer walker does) does not make the download look slow. The speed is measured over
 * windows of {@code window} such time; a window whose average is below {@code minBytesPerSecond}
 * fails.
 */
final class MinimumSpeedInputStream extends FilterInputStream {
  private final long minBytesPerSecond;
  private final Duration window;
  private final long windowNanos;
  private final String what;
  private long waitedNanos;
  private long bytes;

  /**
   * @param in the download
   * @param minBytesPerSecond the slowest average allowed (more than 0)
   * @param window how long the average may stay below it, in time spent waiting for data
   * @param what what is downloaded, for the error ("blob sha256:… of registry/repo")
   */
  MinimumSpeedInputStream(InputStream in, long minBytesPerSecond, Duration window, String what) {
    super(in);
    this.minBytesPerSecond = minBytesPerSecond;
    this.window = window;
    this.windowNanos = window.toNanos();
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    long start = System.nanoTime();
    int b = in.read();
    measured(start, b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long start = System.nanoTime();
    int n = in.read(b, off, len);
    measured(start, Math.max(n, 0));
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long start = System.nanoTime();
    long skipped = in.skip(n);
    measured(start, Math.max(skipped, 0));
    return skipped;
  }

  private void measured(long start, long n) throws ImageAccessException {
    waitedNanos += System.nanoTime() - start;
    bytes += n;
    if (waitedNanos < windowNanos) {
      return;
    }
    double seconds = waitedNanos / 1e9;
    long speed = (long) (bytes / seconds);
    if (speed < minBytesPerSecond) {
      throw new ImageAccessException(
          ImageAccessException.Reason.TIMEOUT,
          "cannot read "
              + what
              + ": it arrived at "
              + speed
              + " bytes/s over "
              + RegistryLimits.format(Duration.ofNanos(waitedNanos))
              + ", below the minimum of "
              + minBytesPerSecond
              + " bytes/s for "
              + RegistryLimits.format(window)
              + " (sekisho --registry-min-speed lowers the minimum, 0 turns the check off;"
              + " --registry-min-speed-time lengthens the time)");
    }
    waitedNanos = 0;
    bytes = 0;
  }
}
