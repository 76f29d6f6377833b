package dev.sekisho.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.registry.TestCertificates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan API's own CA on a real API server, as on a Kubernetes cluster without cert-manager or
 * OpenShift's service CA: the operator issues a CA and serving certificate into a Secret, serves
 * HTTPS with it, and publishes the CA bundle as the ConfigMap {@code sekisho-scan-api-ca} in every
 * namespace (also ones created later) and restores a deleted copy at once; a second replica serves
 * a certificate from the same CA; an expiring serving certificate is renewed under the same CA; an
 * expiring CA is renewed with an overlap, the old and new CA published together.
 */
@WithKubeApiServer(crds = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanApiTlsIT {
  private static final String CONFIGMAP = "sekisho-scan-api-ca";
  private static final String SECRET = "sekisho-scan-api-certs";

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private RunningOperator operator;

  ScanApiTlsIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    operator =
        RunningOperator.builder(kube, work).matcher(FixtureMatcher.advisories()).https().start();
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  private String published(String ns) {
    return published(ns, CONFIGMAP);
  }

  /** The operator's certificate Secret in {@code ns}, as an earlier run would have left it. */
  private void createCertSecret(String ns, Map<String, String> data) {
    admin
        .secrets()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .withNamespace(ns)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  private String published(String ns, String name) {
    ConfigMap cm = admin.configMaps().inNamespace(ns).withName(name).get();
    return cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
  }

  private static HttpClient trusting(String pem) {
    return HttpClient.newBuilder().sslContext(TestCertificates.trusting(pem)).build();
  }

  /** A request the scan API refuses (no token): enough to prove the TLS handshake verified. */
  private static HttpResponse<String> probe(HttpClient http, URI api) throws Exception {
    return http.send(
        HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/default/scans"))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCaIsPublishedInEveryNamespaceAndVerifiesTheScanApi() throws Exception {
    Secret secret = admin.secrets().inNamespace(operator.namespace()).withName(SECRET).get();
    assertThat(secret).as("Secret " + operator.namespace() + "/" + SECRET).isNotNull();
    assertThat(secret.getData()).containsKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
    String ca = decode(secret, "ca.crt");
    assertThat(operator.caBundle()).isEqualTo(ca);

    // the operator's namespace, for admins to copy; and a namespace created after the start
    Awaiting.until(
        "the CA in the operator's namespace", () -> ca.equals(published(operator.namespace())));
    String team = kube.createNamespace("team");
    Awaiting.until("the CA in a new namespace", () -> ca.equals(published(team)));
    ConfigMap cm = admin.configMaps().inNamespace(team).withName(CONFIGMAP).get();
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "sekisho-operator");

    // the published CA alone verifies the scan API (name 127.0.0.1 in the certificate)
    HttpResponse<String> response = probe(trusting(published(team)), operator.apiUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    X509Certificate served =
        (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    assertThat(served.getSubjectAlternativeNames())
        .extracting(n -> String.valueOf(n.get(1)))
        .contains(
            "sekisho-scan-api",
            "sekisho-scan-api." + operator.namespace() + ".svc",
            "sekisho-scan-api." + operator.namespace() + ".svc.cluster.local",
            "127.0.0.1");

    // the system trust store does not know it
    assertThatThrownBy(() -> probe(HttpClient.newHttpClient(), operator.apiUrl()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aSecondReplicaServesACertificateOfTheSameCa(@TempDir Path work) throws Exception {
    String ca = operator.caBundle();
    try (RunningOperator replica =
        RunningOperator.builder(kube, work)
            .matcher(FixtureMatcher.advisories())
            .https()
            .env("SEKISHO_NAMESPACE", operator.namespace())
            .start()) {
      assertThat(replica.caBundle()).isEqualTo(ca);
      assertThat(probe(trusting(ca), replica.apiUrl()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void anExpiringServingCertificateIsRenewedUnderTheSameCa() throws Exception {
    String ns = kube.createNamespace("renew");
    Instant now = Instant.now();
    List<String> hosts = List.of("sekisho-scan-api", "sekisho-scan-api." + ns + ".svc");
    PemKeyPair ca = CertificateIssuer.newAuthority("test-ca", now, Duration.ofDays(3650));
    PemKeyPair expiring = CertificateIssuer.issueServing(ca, hosts, now, Duration.ofDays(3));
    createCertSecret(
        ns,
        Map.of(
            "ca.crt", ca.certificatePem(),
            "ca.key", ca.privateKeyPem(),
            "tls.crt", expiring.certificatePem(),
            "tls.key", expiring.privateKeyPem()));

    ServingMaterial m =
        new ManagedCertificates(admin, ns, SECRET, hosts, CaPolicy.DEFAULT, Clock.systemUTC())
            .ensure();

    assertThat(m.caBundle()).isEqualTo(ca.certificatePem());
    X509Certificate renewed = m.serving().certificate();
    assertThat(renewed.getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(300)));
    renewed.verify(ca.certificate().getPublicKey());
    Secret stored = admin.secrets().inNamespace(ns).withName(SECRET).get();
    assertThat(decode(stored, "tls.crt")).isEqualTo(m.serving().certificatePem());
    assertThat(decode(stored, "ca.key")).isEqualTo(ca.privateKeyPem());

    // good now: a second call changes nothing
    String rv = stored.getMetadata().getResourceVersion();
    new ManagedCertificates(admin, ns, SECRET, hosts, CaPolicy.DEFAULT, Clock.systemUTC()).ensure();
    assertThat(
            admin
                .secrets()
                .inNamespace(ns)
                .withName(SECRET)
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(rv);
  }

  @Test
  void aDeletedConfigMapIsRestoredAtOnce() throws Exception {
    String ca = operator.caBundle();
    String team = kube.createNamespace("deleted");
    Awaiting.until("the CA in a new namespace", () -> ca.equals(published(team)));
    var map = admin.configMaps().inNamespace(team).withName(CONFIGMAP);
    String uid = map.get().getMetadata().getUid();

    map.delete();

    // the periodic resync (10 minutes) is far beyond the wait: the watch restores it
    Awaiting.until(
        "the deleted ConfigMap restored",
        () -> {
          ConfigMap cm = map.get();
          return cm != null
              && !uid.equals(cm.getMetadata().getUid())
              && ca.equals(cm.getData().get("ca.crt"));
        });

    // an edited bundle is put back too
    map.edit(
        cm ->
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder(cm)
                .withData(Map.of("ca.crt", "edited"))
                .build());
    Awaiting.until("the edited ConfigMap restored", () -> ca.equals(published(team)));
  }

  @Test
  void anExpiringCaIsRenewedWithAnOverlap(@TempDir Path work) throws Exception {
    String ns = kube.createNamespace("rotate");
    Instant start = Instant.now();
    // a CA with 60 days left: less than the default 365 days before renewal
    PemKeyPair old = CertificateIssuer.newAuthority("old-ca", start, Duration.ofDays(60));
    createCertSecret(ns, Map.of("ca.crt", old.certificatePem(), "ca.key", old.privateKeyPem()));
    MutableClock clock = new MutableClock(start);
    String configMap = "rotated-ca";
    try (RunningOperator rotating =
        RunningOperator.builder(kube, work)
            .matcher(FixtureMatcher.advisories())
            .https()
            .clock(clock)
            .env("SEKISHO_NAMESPACE", ns)
            .env("SEKISHO_API_CA_CONFIGMAP", configMap)
            .start()) {
      Secret staged = admin.secrets().inNamespace(ns).withName(SECRET).get();
      assertThat(decode(staged, "ca.crt")).isEqualTo(old.certificatePem());
      String next = decode(staged, "ca-next.crt");
      assertThat(PemKeyPair.certificates(next)).hasSize(1);
      assertThat(rotating.caBundle()).isEqualTo(old.certificatePem() + next);

      // the old and new CA are published together, in a namespace created later too
      String team = kube.createNamespace("rotate-team");
      Awaiting.until(
          "the old and the new CA published",
          () -> (old.certificatePem() + next).equals(published(team, configMap)));
      // the old CA still signs: it alone verifies the scan API, the new one alone does not
      assertThat(probe(trusting(old.certificatePem()), rotating.apiUrl()).statusCode())
          .isEqualTo(401);
      assertThatThrownBy(() -> probe(trusting(next), rotating.apiUrl()))
          .isInstanceOf(SSLHandshakeException.class);

      // the overlap (7 days by default) passes: the new CA signs the serving certificate
      ScanApiTls tls = rotating.operator().tls().orElseThrow();
      clock.advance(Duration.ofDays(8));
      tls.refresh();
      Secret promoted = admin.secrets().inNamespace(ns).withName(SECRET).get();
      assertThat(decode(promoted, "ca.crt")).isEqualTo(next);
      assertThat(decode(promoted, "ca-previous.crt")).isEqualTo(old.certificatePem());
      assertThat(promoted.getData()).doesNotContainKeys("ca-next.crt", "ca-next.key");
      new PemKeyPair(decode(promoted, "tls.crt"), decode(promoted, "tls.key"))
          .certificate()
          .verify(PemKeyPair.certificates(next).getFirst().getPublicKey());
      assertThat(rotating.caBundle()).isEqualTo(old.certificatePem() + next);

      // the old CA expires: every namespace's bundle drops it, without waiting for the resync
      clock.advance(Duration.ofDays(60));
      tls.refresh();
      assertThat(admin.secrets().inNamespace(ns).withName(SECRET).get().getData())
          .doesNotContainKey("ca-previous.crt");
      Awaiting.until("only the new CA published", () -> next.equals(published(team, configMap)));
      Awaiting.until(
          "only the new CA published in the operator's namespace",
          () -> next.equals(published(ns, configMap)));
    }
  }

  /** A clock the test moves forward. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private static String decode(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
  }
}
