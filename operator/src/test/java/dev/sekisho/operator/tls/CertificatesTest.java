package dev.sekisho.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sekisho.testkit.registry.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The scan API's own CA: issuance, the renewal decision, and serving a renewed certificate. */
class CertificatesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final List<String> HOSTS =
      List.of("sekisho-scan-api", "sekisho-scan-api.sekisho-system.svc", "127.0.0.1");

  private final PemKeyPair ca =
      CertificateIssuer.newAuthority("sekisho-scan-api-ca", NOW, Duration.ofDays(3650));

  @Test
  void theCaIsACaAndTheServingCertificateChainsToItWithTheHostNames() throws Exception {
    X509Certificate caCert = ca.certificate();
    assertThat(caCert.getBasicConstraints()).isEqualTo(0);
    assertThat(caCert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    caCert.verify(caCert.getPublicKey());

    PemKeyPair serving = CertificateIssuer.issueServing(ca, HOSTS, NOW, Duration.ofDays(365));
    X509Certificate cert = serving.certificate();
    cert.verify(caCert.getPublicKey());
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(n -> (Integer) n.get(0), n -> String.valueOf(n.get(1)))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "sekisho-scan-api"),
            org.assertj.core.groups.Tuple.tuple(2, "sekisho-scan-api.sekisho-system.svc"),
            org.assertj.core.groups.Tuple.tuple(7, "127.0.0.1"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(serving.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(serving.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aServingCertificateNeverOutlivesItsCa() throws Exception {
    PemKeyPair shortCa = CertificateIssuer.newAuthority("short", NOW, Duration.ofDays(10));
    PemKeyPair serving = CertificateIssuer.issueServing(shortCa, HOSTS, NOW, Duration.ofDays(365));
    assertThat(serving.certificate().getNotAfter()).isEqualTo(shortCa.certificate().getNotAfter());
  }

  @Test
  void renewalReasons() throws Exception {
    PemKeyPair good = CertificateIssuer.issueServing(ca, HOSTS, NOW, Duration.ofDays(365));
    assertThat(ManagedCertificates.renewalReason(good, ca, HOSTS, NOW)).isNull();
    assertThat(ManagedCertificates.renewalReason(good, ca, HOSTS, NOW.plus(Duration.ofDays(340))))
        .startsWith("expires ");
    PemKeyPair other = CertificateIssuer.newAuthority("other", NOW, Duration.ofDays(3650));
    assertThat(ManagedCertificates.renewalReason(good, other, HOSTS, NOW))
        .isEqualTo("not signed by the CA");
    assertThat(
            ManagedCertificates.renewalReason(
                good, ca, List.of("sekisho-scan-api.sekisho-system.svc.cluster.local"), NOW))
        .isEqualTo("does not name sekisho-scan-api.sekisho-system.svc.cluster.local");
    assertThat(
            ManagedCertificates.renewalReason(
                new PemKeyPair(good.certificatePem(), "garbage"), ca, HOSTS, NOW))
        .startsWith("unreadable");
  }

  @Test
  void pkcs1AndSec1KeysAreReadAsWellAsPkcs8() throws Exception {
    for (String algorithm : List.of("RSA", "EC")) {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance(algorithm);
      g.initialize("RSA".equals(algorithm) ? 2048 : 256);
      java.security.PrivateKey key = g.generateKeyPair().getPrivate();
      // PKCS#1 ("RSA PRIVATE KEY", cert-manager's default encoding) or SEC1 ("EC PRIVATE KEY",
      // with the curve named inside, as openssl writes it)
      var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
      byte[] traditional =
          "RSA".equals(algorithm)
              ? info.parsePrivateKey().toASN1Primitive().getEncoded()
              : new org.bouncycastle.asn1.sec.ECPrivateKey(
                      256,
                      ((java.security.interfaces.ECPrivateKey) key).getS(),
                      info.getPrivateKeyAlgorithm().getParameters())
                  .getEncoded();
      java.io.StringWriter pem = new java.io.StringWriter();
      try (var w = new org.bouncycastle.util.io.pem.PemWriter(pem)) {
        w.writeObject(
            new org.bouncycastle.util.io.pem.PemObject(algorithm + " PRIVATE KEY", traditional));
      }
      assertThat(pem.toString()).startsWith("-----BEGIN " + algorithm + " PRIVATE KEY-----");

      java.security.PrivateKey read = new PemKeyPair("", pem.toString()).privateKey();

      assertThat(read.getAlgorithm()).isEqualTo(algorithm);
      if (key instanceof java.security.interfaces.RSAPrivateKey rsa) {
        assertThat(((java.security.interfaces.RSAPrivateKey) read).getPrivateExponent())
            .isEqualTo(rsa.getPrivateExponent());
      } else {
        assertThat(((java.security.interfaces.ECPrivateKey) read).getS())
            .isEqualTo(((java.security.interfaces.ECPrivateKey) key).getS());
      }
    }
    assertThatThrownBy(() -> new PemKeyPair(ca.certificatePem(), "").privateKey())
        .hasMessageContaining("no PEM private key");
  }

  @Test
  void aReplacedCertificateIsServedFromTheNextHandshake() throws Exception {
    PemKeyPair first = CertificateIssuer.issueServing(ca, HOSTS, NOW, Duration.ofDays(365));
    ReloadingKeyManager keys = new ReloadingKeyManager(first);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.setHttpsConfigurator(new HttpsConfigurator(ReloadingKeyManager.serverContext(keys)));
    server.createContext(
        "/",
        e -> {
          e.sendResponseHeaders(204, -1);
          e.close();
        });
    server.start();
    try {
      URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
      assertThat(servedSerial(uri)).isEqualTo(first.certificate().getSerialNumber());

      PemKeyPair second = CertificateIssuer.issueServing(ca, HOSTS, NOW, Duration.ofDays(365));
      keys.replace(second);

      assertThat(servedSerial(uri)).isEqualTo(second.certificate().getSerialNumber());
    } finally {
      server.stop(0);
    }
  }

  /** The serial number of the certificate served at {@code uri}, on a new connection. */
  private java.math.BigInteger servedSerial(URI uri) throws Exception {
    SSLContext ctx = TestCertificates.trusting(ca.certificatePem());
    try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).build()) {
      HttpResponse<Void> r =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(204);
      return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
          .getSerialNumber();
    }
  }
}
