package dev.sekisho.scanner.image.registry;

import java.time.Duration;

/**
 * How long registry reads may take, so that a registry (or anything posing as one) that accepts a
 * connection and then says nothing, answers one byte at a time, or streams forever cannot hold a
 * scan. Manifests, indexes, configs and tokens are small and get a fixed total time; a layer may be
 * gigabytes, so it is held to a minimum average speed instead (like curl's {@code --speed-limit}
 * and {@code --speed-time}), and can never deliver more than its descriptor's size.
 *
 * @param readTimeout the longest wait for the next bytes of an answer (headers or body)
 * @param requestTimeout the longest one attempt at a manifest, index, config blob or token may
 *     take, from connecting to the last byte of the body (for a layer: to the response headers)
 * @param retryTimeout the longest all attempts at one request may take together, waits between them
 *     included: no retry starts (and no wait begins) that would end after it
 * @param minBlobSpeed the slowest average a layer may arrive at, in bytes per second of time spent
 *     waiting for the network (time the scanner spends analysing is not counted); 0 turns the check
 *     off
 * @param blobSpeedTime how long a layer may stay below {@code minBlobSpeed} before it fails
 */
public record RegistryLimits(
    Duration readTimeout,
    Duration requestTimeout,
    Duration retryTimeout,
    long minBlobSpeed,
    Duration blobSpeedTime) {

  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofMinutes(3);
  public static final long DEFAULT_MIN_BLOB_SPEED = 10 * 1024;
  public static final Duration DEFAULT_BLOB_SPEED_TIME = Duration.ofSeconds(60);

  public RegistryLimits {
    readTimeout = positive(readTimeout, DEFAULT_READ_TIMEOUT, "read timeout");
    requestTimeout = positive(requestTimeout, DEFAULT_REQUEST_TIMEOUT, "request timeout");
    retryTimeout = positive(retryTimeout, DEFAULT_RETRY_TIMEOUT, "retry timeout");
    blobSpeedTime = positive(blobSpeedTime, DEFAULT_BLOB_SPEED_TIME, "blob speed time");
    if (minBlobSpeed < 0) {
      throw new IllegalArgumentException("the minimum blob speed must not be negative");
    }
  }

  /** The defaults: 60 s read timeout, 60 s per request, 3 min of retries, 10 KiB/s over 60 s. */
  public static RegistryLimits defaults() {
    return new RegistryLimits(null, null, null, DEFAULT_MIN_BLOB_SPEED, null);
  }

  public RegistryLimits withReadTimeout(Duration d) {
    return new RegistryLimits(d, requestTimeout, retryTimeout, minBlobSpeed, blobSpeedTime);
  }

  public RegistryLimits withRequestTimeout(Duration d) {
    return new RegistryLimits(readTimeout, d, retryTimeout, minBlobSpeed, blobSpeedTime);
  }

  public RegistryLimits withRetryTimeout(Duration d) {
    return new RegistryLimits(readTimeout, requestTimeout, d, minBlobSpeed, blobSpeedTime);
  }

  public RegistryLimits withMinBlobSpeed(long bytesPerSecond, Duration over) {
    return new RegistryLimits(readTimeout, requestTimeout, retryTimeout, bytesPerSecond, over);
  }

  private static Duration positive(Duration d, Duration fallback, String what) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("the registry " + what + " must be positive: " + d);
    }
    return d;
  }

  /** A duration for messages: "60 s", "1.5 s", "250 ms". */
  static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
