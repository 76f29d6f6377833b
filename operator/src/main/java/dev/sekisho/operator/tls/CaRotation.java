package dev.sekisho.operator.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The operator's own CAs at one moment, and how they move on (a pure function of the certificates,
 * the time and the {@link CaPolicy}, so every replica takes the same decisions):
 *
 * <ol>
 *   <li>{@link Step#STAGE}: the current CA has less than {@code renewBefore} left, so a next CA is
 *       issued. Both are published; the current one still signs the serving certificate.
 *   <li>{@link Step#PROMOTE}: {@code overlap} after the next CA was issued (its notBefore plus
 *       {@link CertificateIssuer#BACKDATE}), it becomes the current CA and signs the serving
 *       certificate; the old one is kept as a previous CA, still published. It is promoted at once
 *       when the current CA would expire within {@link ManagedCertificates#RENEW_BEFORE} (the
 *       operator was down during the overlap): a serving certificate about to expire is worse than
 *       a short overlap.
 *   <li>{@link Step#DROP_EXPIRED}: a previous CA that has expired leaves the bundle.
 * </ol>
 *
 * @param current the CA that signs the serving certificate
 * @param next the CA issued ahead of the switch, published but not signing yet; null when none
 * @param previous PEM certificates of replaced CAs, published until they expire; empty when none
 */
public record CaRotation(PemKeyPair current, PemKeyPair next, String previous) {

  /** A change of the CAs. */
  public enum Step {
    DROP_EXPIRED,
    PROMOTE,
    STAGE
  }

  public CaRotation {
    previous = previous == null ? "" : previous;
  }

  /** The step due at {@code now}, or null when none is. */
  public Step due(Instant now, CaPolicy policy) throws GeneralSecurityException {
    for (X509Certificate c : PemKeyPair.certificates(previous)) {
      if (!c.getNotAfter().toInstant().isAfter(now)) {
        return Step.DROP_EXPIRED;
      }
    }
    Instant currentEnd = current.certificate().getNotAfter().toInstant();
    if (next != null) {
      Instant issued =
          next.certificate().getNotBefore().toInstant().plus(CertificateIssuer.BACKDATE);
      boolean overlapDone = !now.isBefore(issued.plus(policy.overlap()));
      boolean currentEnding = currentEnd.isBefore(now.plus(ManagedCertificates.RENEW_BEFORE));
      return overlapDone || currentEnding ? Step.PROMOTE : null;
    }
    return currentEnd.isBefore(now.plus(policy.renewBefore())) ? Step.STAGE : null;
  }

  /** This rotation after {@code step}; a staged CA is named {@code CN=commonName}. */
  public CaRotation apply(Step step, Instant now, CaPolicy policy, String commonName)
      throws GeneralSecurityException {
    return switch (step) {
      case DROP_EXPIRED -> {
        StringBuilder kept = new StringBuilder();
        for (X509Certificate c : PemKeyPair.certificates(previous)) {
          if (c.getNotAfter().toInstant().isAfter(now)) {
            kept.append(CertificateIssuer.Pem.encode(c));
          }
        }
        yield new CaRotation(current, next, kept.toString());
      }
      case PROMOTE -> new CaRotation(next, null, previous + current.certificatePem());
      case STAGE ->
          new CaRotation(
              current,
              CertificateIssuer.newAuthority(commonName, now, policy.validity()),
              previous);
    };
  }

  /**
   * Applies every step due at {@code now} (at most one of each: staging and promoting in one go
   * when the current CA has already expired).
   *
   * @param log receives one line per applied step
   */
  public CaRotation advance(Instant now, CaPolicy policy, String commonName, List<String> log)
      throws GeneralSecurityException {
    CaRotation r = this;
    for (int i = 0; i < Step.values().length; i++) {
      Step step = r.due(now, policy);
      if (step == null) {
        break;
      }
      log.add(r.describe(step));
      r = r.apply(step, now, policy, commonName);
    }
    return r;
  }

  private String describe(Step step) throws GeneralSecurityException {
    return switch (step) {
      case DROP_EXPIRED -> "expired previous CA dropped from the bundle";
      case PROMOTE ->
          "CA "
              + serial(next)
              + " now signs the serving certificate; CA "
              + serial(current)
              + " stays in the bundle until "
              + current.certificate().getNotAfter().toInstant();
      case STAGE ->
          "CA "
              + serial(current)
              + " expires "
              + current.certificate().getNotAfter().toInstant()
              + ": next CA issued and published beside it";
    };
  }

  private static String serial(PemKeyPair ca) throws GeneralSecurityException {
    return ca.certificate().getSerialNumber().toString(16);
  }

  /** The CA bundle to publish: every CA certificate, oldest first (previous, current, next). */
  public String bundle() {
    return previous + current.certificatePem() + (next == null ? "" : next.certificatePem());
  }
}
