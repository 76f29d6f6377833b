package dev.sekisho.scanner.image.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When to retry a registry request and how long to wait: exponential backoff from {@value
 * #BASE_BACKOFF_MILLIS} ms, or the server's {@code Retry-After} (capped); no more than {@link
 * RegistryOptions#maxAttempts()} attempts and no wait that would end after {@link
 * RegistryLimits#retryTimeout()}.
 */
final class RetryPolicy {
  private static final long BASE_BACKOFF_MILLIS = 500;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(16);

  private final RegistryOptions options;

  RetryPolicy(RegistryOptions options) {
    this.options = options;
  }

  /**
   * Why not to retry after {@code attempt} (a text for the error: the limit reached and how to
   * raise it), or null to retry after {@code wait}.
   */
  String stopRetrying(int attempt, int max, long start, long budget, Duration wait) {
    if (attempt >= max) {
      return max == 1
          ? ""
          : " (the limit of " + max + " attempts; sekisho --registry-max-attempts raises it)";
    }
    long spent = System.nanoTime() - start;
    if (spent + wait.toNanos() > budget) {
      return " in "
          + RegistryLimits.format(Duration.ofNanos(spent))
          + " (another attempt after waiting "
          + RegistryLimits.format(wait)
          + " would pass the retry time limit of "
          + RegistryLimits.format(options.limits().retryTimeout())
          + "; sekisho --registry-retry-timeout raises it)";
    }
    return null;
  }

  static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  static Duration backoff(int attempt) {
    long millis = BASE_BACKOFF_MILLIS << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  /**
   * A Retry-After header's value as a duration (seconds or HTTP date), capped; null when absent.
   */
  Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    Duration d;
    try {
      d = Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(Instant.now(), at.toInstant());
        if (d.isNegative()) {
          d = Duration.ZERO;
        }
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    return d.compareTo(options.maxRetryAfter()) > 0 ? options.maxRetryAfter() : d;
  }
}
