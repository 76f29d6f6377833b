package dev.sekisho.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renewal of the operator's own CA, decided at chosen instants. */
class CaRotationTest {
  private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  private static final CaPolicy POLICY =
      new CaPolicy(Duration.ofDays(3650), Duration.ofDays(365), Duration.ofDays(7));
  private static final List<String> HOSTS = List.of("sekisho-scan-api");

  private final PemKeyPair old =
      CertificateIssuer.newAuthority("old", ISSUED, Duration.ofDays(3650));
  private final Instant oldEnd = ISSUED.plus(Duration.ofDays(3650));

  private static Instant day(Instant t, long days) {
    return t.plus(Duration.ofDays(days));
  }

  @Test
  void aNextCaIsIssuedWhenLessThanRenewBeforeIsLeft() throws Exception {
    CaRotation cas = new CaRotation(old, null, "");
    assertThat(cas.due(day(oldEnd, -366), POLICY)).isNull();
    assertThat(cas.due(day(oldEnd, -364), POLICY)).isEqualTo(CaRotation.Step.STAGE);

    Instant staged = day(oldEnd, -364);
    List<String> log = new ArrayList<>();
    CaRotation next = cas.advance(staged, POLICY, "new", log);

    assertThat(next.current()).isEqualTo(old);
    assertThat(next.next()).isNotNull();
    X509Certificate nextCert = next.next().certificate();
    assertThat(nextCert.getNotAfter().toInstant()).isEqualTo(day(staged, 3650));
    assertThat(nextCert.getBasicConstraints()).isEqualTo(0);
    // both are published, the old one first; the old one still signs
    assertThat(next.bundle()).isEqualTo(old.certificatePem() + next.next().certificatePem());
    assertThat(PemKeyPair.certificates(next.bundle())).hasSize(2);
    assertThat(log).singleElement().asString().contains("next CA issued");
  }

  @Test
  void theNextCaSignsOnlyAfterTheOverlapAndTheOldOneStaysPublishedUntilItExpires()
      throws Exception {
    Instant staged = day(oldEnd, -300);
    CaRotation both =
        new CaRotation(old, null, "").advance(staged, POLICY, "new", new ArrayList<>());
    PemKeyPair next = both.next();

    assertThat(both.due(staged.plus(Duration.ofDays(7)).minusSeconds(1), POLICY)).isNull();
    CaRotation promoted =
        both.advance(staged.plus(Duration.ofDays(7)), POLICY, "new", new ArrayList<>());

    assertThat(promoted.current()).isEqualTo(next);
    assertThat(promoted.next()).isNull();
    assertThat(promoted.previous()).isEqualTo(old.certificatePem());
    // the published bundle does not change at the switch
    assertThat(promoted.bundle()).isEqualTo(both.bundle());
    // a serving certificate of the old CA must now be renewed with the new one
    PemKeyPair serving = CertificateIssuer.issueServing(old, HOSTS, staged, Duration.ofDays(365));
    assertThat(ManagedCertificates.renewalReason(serving, promoted.current(), HOSTS, staged))
        .isEqualTo("not signed by the CA");

    assertThat(promoted.due(oldEnd.minusSeconds(1), POLICY)).isNull();
    assertThat(promoted.due(oldEnd, POLICY)).isEqualTo(CaRotation.Step.DROP_EXPIRED);
    CaRotation dropped = promoted.advance(oldEnd, POLICY, "new", new ArrayList<>());
    assertThat(dropped.previous()).isEmpty();
    assertThat(dropped.bundle()).isEqualTo(next.certificatePem());
    assertThat(dropped.due(oldEnd, POLICY)).isNull();
  }

  @Test
  void aNextCaIsPromotedAtOnceWhenTheCurrentOneIsAboutToExpire() throws Exception {
    // the operator was down during the overlap: the old CA has less than the serving
    // certificate's renewal window left
    Instant staged = day(oldEnd, -33);
    CaRotation both =
        new CaRotation(old, null, "").advance(staged, POLICY, "new", new ArrayList<>());
    assertThat(both.due(day(oldEnd, -31), POLICY)).isNull();
    assertThat(both.due(day(oldEnd, -29), POLICY)).isEqualTo(CaRotation.Step.PROMOTE);
  }

  @Test
  void anExpiredCaIsReplacedInOneGo() throws Exception {
    Instant late = day(oldEnd, 1);
    List<String> log = new ArrayList<>();
    CaRotation cas = new CaRotation(old, null, "").advance(late, POLICY, "new", log);

    assertThat(cas.current()).isNotEqualTo(old);
    assertThat(cas.current().certificate().getNotAfter().toInstant()).isEqualTo(day(late, 3650));
    assertThat(cas.next()).isNull();
    assertThat(cas.previous()).isEmpty();
    assertThat(cas.bundle()).isEqualTo(cas.current().certificatePem());
    assertThat(log).hasSize(3);
  }

  @Test
  void aServingCertificateCappedAtItsCaIsNotRenewedOverAndOver() throws Exception {
    PemKeyPair shortCa = CertificateIssuer.newAuthority("short", ISSUED, Duration.ofDays(20));
    PemKeyPair serving =
        CertificateIssuer.issueServing(shortCa, HOSTS, ISSUED, Duration.ofDays(365));
    assertThat(serving.certificate().getNotAfter()).isEqualTo(shortCa.certificate().getNotAfter());
    // it expires within the renewal window, but a new one could not last longer
    assertThat(ManagedCertificates.renewalReason(serving, shortCa, HOSTS, ISSUED)).isNull();
    // one issued for less than the CA's remaining life is renewed
    PemKeyPair brief = CertificateIssuer.issueServing(shortCa, HOSTS, ISSUED, Duration.ofDays(5));
    assertThat(ManagedCertificates.renewalReason(brief, shortCa, HOSTS, ISSUED))
        .startsWith("expires ");
  }
}
