package dev.sekisho.operator.tls;

import java.time.Duration;

/**
 * How the operator's own CA is renewed: a new CA is issued when the current one has less than
 * {@code renewBefore} left, published beside it for {@code overlap} before it signs the serving
 * certificate, and the old CA stays in the published bundle until it expires.
 *
 * @param validity lifetime of a new CA
 * @param renewBefore issue the next CA when the current one has less than this left
 * @param overlap how long the next CA is published before the serving certificate switches to it
 */
public record CaPolicy(Duration validity, Duration renewBefore, Duration overlap) {
  public static final CaPolicy DEFAULT =
      new CaPolicy(Duration.ofDays(3650), Duration.ofDays(365), Duration.ofDays(7));

  public CaPolicy {
    if (!validity.isPositive() || !overlap.isPositive()) {
      throw new IllegalArgumentException("CA validity and overlap must be positive");
    }
    if (renewBefore.compareTo(validity) >= 0) {
      throw new IllegalArgumentException(
          "CA renew-before " + renewBefore + " must be shorter than the CA validity " + validity);
    }
    if (overlap.compareTo(renewBefore) >= 0) {
      throw new IllegalArgumentException(
          "CA overlap " + overlap + " must be shorter than the CA renew-before " + renewBefore);
    }
  }
}
