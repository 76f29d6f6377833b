package dev.sekisho.testkit.kube;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition that the API server makes true eventually (an informer catching up, a
 * controller reacting). Not a timing assertion: the timeout only bounds a hung test.
 */
public final class Awaiting {
  /** How long {@link #until(String, BooleanSupplier)} waits before failing the test. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration INTERVAL = Duration.ofMillis(100);

  private Awaiting() {}

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}; fails naming {@code what}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /** Waits up to {@code timeout} for {@code condition}; fails naming {@code what}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting until " + what);
      }
      try {
        Thread.sleep(INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      }
    }
  }
}
