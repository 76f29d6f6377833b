package dev.sekisho.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.operator.scanapi.ScanApiServer;
import dev.sekisho.operator.tls.CertificateIssuer;
import dev.sekisho.operator.tls.PemKeyPair;
import dev.sekisho.operator.tls.ReloadingKeyManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The webhook's HTTP contract on 127.0.0.1 over TLS: an AdmissionReview answered with the request's
 * uid, a 403 status and warnings; 503 until the caches synced (the API server then applies the
 * failure policy); 400 naming the problem for a body that is no AdmissionReview; only POST on
 * {@value AdmissionServer#PATH}.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AdmissionServerTest {
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private AdmissionServer server;
  private HttpClient client;
  private SSLContext tls;
  private URI uri;

  @BeforeEach
  void start() throws Exception {
    PemKeyPair ca = CertificateIssuer.newAuthority("test-ca", Instant.now(), Duration.ofDays(1));
    PemKeyPair serving =
        CertificateIssuer.issueServing(ca, List.of("127.0.0.1"), Instant.now(), Duration.ofDays(1));
    // refuses every image "bad:*", warns about "warn:*"
    AdmissionServer.Decider decider =
        (namespace, images, now) -> {
          boolean bad = images.stream().anyMatch(i -> i.image().startsWith("bad:"));
          List<String> warnings =
              images.stream()
                  .filter(i -> i.image().startsWith("warn:"))
                  .map(i -> "careful " + i.image())
                  .toList();
          return new AdmissionDecider.Decision(
              !bad, bad ? "sekisho: no bad images in " + namespace : null, warnings);
        };
    server =
        new AdmissionServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            ReloadingKeyManager.serverContext(new ReloadingKeyManager(serving)),
            decider,
            ready::get,
            ScanApiServer.json(),
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    server.start();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    uri = URI.create("https://127.0.0.1:" + server.address().getPort() + AdmissionServer.PATH);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String review(String operation, String image) {
    return "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u-1',"
        + "'kind':{'group':'','version':'v1','kind':'Pod'},'namespace':'shop','operation':'"
        + operation
        + "','object':{'spec':{'containers':[{'name':'a','image':'"
        + image
        + "'}]}}}}";
  }

  @Test
  void clientsThatSendTheirBodySlowlyDoNotHoldUpOtherReviews() throws Exception {
    // each declares a body it never finishes sending, and keeps its connection open
    List<SSLSocket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        SSLSocket socket =
            (SSLSocket)
                tls.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.address().getPort());
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST "
                    + AdmissionServer.PATH
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"apiVersion\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        slow.add(socket);
      }
      HttpResponse<String> r = post(review("CREATE", "bad:1"));
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      for (SSLSocket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void aDenialIsA403StatusWithTheMessageForTheRequestsUid() throws Exception {
    HttpResponse<String> r = post(review("CREATE", "bad:1"));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode response = ScanApiServer.json().readTree(r.body()).path("response");
    assertThat(response.path("uid").asText()).isEqualTo("u-1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("message").asText())
        .isEqualTo("sekisho: no bad images in shop");
  }

  @Test
  void anAdmissionCarriesTheWarnings() throws Exception {
    JsonNode response =
        ScanApiServer.json().readTree(post(review("CREATE", "warn:1")).body()).path("response");

    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings").get(0).asText()).isEqualTo("careful warn:1");
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void aDeleteIsNotDecided() throws Exception {
    JsonNode response =
        ScanApiServer.json().readTree(post(review("DELETE", "bad:1")).body()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
  }

  @Test
  void beforeTheCachesSyncedTheAnswerIs503SoTheFailurePolicyApplies() throws Exception {
    ready.set(false);
    HttpResponse<String> r = post(review("CREATE", "bad:1"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("not synced");
  }

  @Test
  void aBodyThatIsNoAdmissionReviewIsA400NamingTheProblem() throws Exception {
    HttpResponse<String> junk = post("{not json");
    assertThat(junk.statusCode()).isEqualTo(400);
    assertThat(junk.body()).contains("not an admission.k8s.io/v1 AdmissionReview");

    HttpResponse<String> noUid = post("{'request':{'kind':{'kind':'Pod'}}}");
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(noUid.body()).contains("no request with a uid");
  }

  @Test
  void onlyPostOnTheWebhookPath() throws Exception {
    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> other =
        client.send(
            HttpRequest.newBuilder(uri.resolve("/validate/x"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
  }
}
