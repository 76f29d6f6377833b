package dev.sekisho.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.registry.TestCertificates;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates mounted as files: picked up when they appear or change, without a restart. */
class ScanApiTlsTest {
  private static final Instant NOW = Instant.now();
  private static final List<String> HOSTS = List.of("127.0.0.1");

  private final PemKeyPair ownCa = CertificateIssuer.newAuthority("own", NOW, Duration.ofDays(30));
  private final PemKeyPair mountedCa =
      CertificateIssuer.newAuthority("mounted", NOW, Duration.ofDays(30));

  /** Writes a file the way the kubelet updates a Secret volume: whole, in one rename. */
  private static void write(Path dir, String name, String content) throws Exception {
    Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aCertificateMountedAfterStartUpIsServedWithoutARestart(@TempDir Path dir) throws Exception {
    PemKeyPair own = CertificateIssuer.issueServing(ownCa, HOSTS, NOW, Duration.ofDays(10));
    ScanApiTls.Source fallback =
        () -> new ServingMaterial(own, ownCa.certificatePem(), "own Secret");
    // a day-long refresh: only the file watch can pick the files up during the test
    try (ScanApiTls tls = new ScanApiTls(ScanApiTls.directoryOr(dir, fallback), null, "ns", null)) {
      tls.start(Duration.ofDays(1));
      HttpsServer server = serve(tls.context());
      try {
        URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
        assertThat(servedSerial(uri)).isEqualTo(own.certificate().getSerialNumber());
        assertThat(tls.caBundle()).contains(ownCa.certificatePem());

        // the Secret is mounted later (e.g. the service CA issued it after the operator started)
        PemKeyPair mounted =
            CertificateIssuer.issueServing(mountedCa, HOSTS, NOW, Duration.ofDays(10));
        write(dir, "ca.crt", mountedCa.certificatePem());
        write(dir, "tls.key", mounted.privateKeyPem());
        write(dir, "tls.crt", mounted.certificatePem());
        BigInteger mountedSerial = mounted.certificate().getSerialNumber();
        Awaiting.until(
            "the mounted certificate served", () -> mountedSerial.equals(servedSerial(uri)));
        assertThat(tls.caBundle()).contains(mountedCa.certificatePem());

        // and renewed in place
        PemKeyPair renewed =
            CertificateIssuer.issueServing(mountedCa, HOSTS, NOW, Duration.ofDays(20));
        write(dir, "tls.key", renewed.privateKeyPem());
        write(dir, "tls.crt", renewed.certificatePem());
        BigInteger renewedSerial = renewed.certificate().getSerialNumber();
        Awaiting.until(
            "the renewed certificate served", () -> renewedSerial.equals(servedSerial(uri)));
      } finally {
        server.stop(0);
      }
    }
  }

  private static HttpsServer serve(SSLContext context) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext(
        "/",
        e -> {
          e.sendResponseHeaders(204, -1);
          e.close();
        });
    server.start();
    return server;
  }

  /** The serial number served at {@code uri} (trusting both CAs), on a new connection. */
  private BigInteger servedSerial(URI uri) {
    try {
      SSLContext ctx =
          TestCertificates.trusting(ownCa.certificatePem() + mountedCa.certificatePem());
      try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).build()) {
        HttpResponse<Void> r =
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
            .getSerialNumber();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
