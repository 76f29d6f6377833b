package dev.sekisho.scanner.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol behaviour the real test registry cannot show (token service, 429/5xx, schema 1), on a
 * local {@link HttpServer}. Pulling real images is proven by {@code RegistryClientIT}.
 */
class RegistryClientTest {
  /** An OCI manifest with an empty config and no layers. */
  static final String MANIFEST =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
       "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":2},
       "layers":[]}"""
          .formatted("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

  private HttpServer server;
  private String registry;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange, int hit) throws IOException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.start();
    registry = "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void route(String path, Handler handler) {
    server.createContext(
        path,
        exchange -> {
          int hit = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
          try (exchange) {
            handler.handle(exchange, hit);
          }
        });
  }

  /** Answers {@code exchange} with a status and a body (none when empty). */
  static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private RegistryClient client(CredentialStore credentials, int attempts) throws Exception {
    RegistryOptions options =
        new RegistryOptions(
            null, null, null, null, Set.of(registry), attempts, null, Duration.ofSeconds(30));
    return new RegistryClient(options, credentials, sleeps::add);
  }

  private CredentialStore credentials(String user, String password) throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("config", ".json");
    try {
      String auth =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      java.nio.file.Files.writeString(
          f, "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
      return CredentialStore.load(
          new RegistryOptions(List.of(f), null, null, null, null, 0, null, null));
    } finally {
      java.nio.file.Files.delete(f);
    }
  }

  private ImageReference ref(String tag) {
    return ImageReference.parse(registry + "/team/app:" + tag);
  }

  @Test
  void retriesOn429HonouringRetryAfter() throws Exception {
    route(
        "/v2/team/app/manifests/1",
        (ex, hit) -> {
          if (hit <= 2) {
            ex.getResponseHeaders().add("Retry-After", "7");
            send(
                ex,
                429,
                "application/json",
                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}");
          } else {
            send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
          }
        });
    RegistryClient.ManifestResponse m = client(CredentialStore.empty(), 5).fetchManifest(ref("1"));
    assertThat(m.digest())
        .isEqualTo(Digest.sha256(MANIFEST.getBytes(StandardCharsets.UTF_8)).toString());
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
  }

  @Test
  void retryAfterLongerThanTheCapIsCut() throws Exception {
    route(
        "/v2/team/app/manifests/1",
        (ex, hit) -> {
          if (hit == 1) {
            ex.getResponseHeaders().add("Retry-After", "3600");
            send(ex, 503, null, "");
          } else {
            send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
          }
        });
    client(CredentialStore.empty(), 5).fetchManifest(ref("1"));
    assertThat(sleeps).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void givesUpAfterBoundedAttemptsWithExponentialBackoff() throws Exception {
    route("/v2/team/app/manifests/1", (ex, hit) -> send(ex, 503, "text/plain", "maintenance"));
    assertThatThrownBy(() -> client(CredentialStore.empty(), 4).fetchManifest(ref("1")))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("server error (HTTP 503)")
        .hasMessageContaining("gave up after 4 attempts")
        .hasMessageContaining("maintenance")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.UNAVAILABLE));
    assertThat(hits.get("/v2/team/app/manifests/1")).hasValue(4);
    assertThat(sleeps)
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void bearerTokenFlowWithBasicCredentialsAtTheRealmAndTokenCachedPerScope() throws Exception {
    String realm = "http://" + registry + "/token";
    List<String> tokenQueries = new CopyOnWriteArrayList<>();
    route(
        "/token",
        (ex, hit) -> {
          String authz = ex.getRequestHeaders().getFirst("Authorization");
          tokenQueries.add(ex.getRequestURI().getRawQuery());
          String expected =
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
          if (!expected.equals(authz)) {
            send(ex, 401, "application/json", "{\"details\":\"bad credentials\"}");
            return;
          }
          send(ex, 200, "application/json", "{\"token\":\"tok-" + hit + "\",\"expires_in\":300}");
        });
    List<String> seenAuth = new CopyOnWriteArrayList<>();
    route(
        "/v2/team/app/manifests/",
        (ex, hit) -> {
          String authz = ex.getRequestHeaders().getFirst("Authorization");
          seenAuth.add(String.valueOf(authz));
          if (!"Bearer tok-1".equals(authz)) {
            ex.getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    "Bearer realm=\""
                        + realm
                        + "\",service=\"test-registry\",scope=\"repository:team/app:pull\"");
            send(
                ex,
                401,
                "application/json",
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
            return;
          }
          send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
        });
    RegistryClient client = client(credentials("alice", "secret"), 3);
    client.fetchManifest(ref("1"));
    client.fetchManifest(ref("2"));
    assertThat(tokenQueries)
        .containsExactly("service=test-registry&scope=repository%3Ateam%2Fapp%3Apull");
    assertThat(seenAuth).containsExactly("null", "Bearer tok-1", "Bearer tok-1");
  }

  @Test
  void refusedCredentialsNameRegistryScopeAndCredentialSource() throws Exception {
    String realm = "http://" + registry + "/token";
    route(
        "/token",
        (ex, hit) -> send(ex, 401, "application/json", "{\"details\":\"bad credentials\"}"));
    route(
        "/v2/team/app/manifests/1",
        (ex, hit) -> {
          ex.getResponseHeaders()
              .add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"svc\"");
          send(ex, 401, null, "");
        });
    assertThatThrownBy(() -> client(credentials("alice", "wrong"), 3).fetchManifest(ref("1")))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("registry " + registry)
        .hasMessageContaining("repository:team/app:pull")
        .hasMessageContaining("user alice")
        .hasMessageContaining("bad credentials")
        .hasMessageNotContaining("wrong")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.UNAUTHORIZED));
  }

  @Test
  void basicChallengeWithoutCredentialsSaysNoneWereFound() throws Exception {
    route(
        "/v2/team/app/manifests/1",
        (ex, hit) -> {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"x\"");
          send(ex, 401, null, "");
        });
    assertThatThrownBy(() -> client(CredentialStore.empty(), 3).fetchManifest(ref("1")))
        .hasMessageContaining("anonymously (no credentials found for " + registry + ")")
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void schemaOneIsRefusedWithAnExplanation() throws Exception {
    route(
        "/v2/team/app/manifests/old",
        (ex, hit) ->
            send(
                ex,
                200,
                MediaTypes.DOCKER_SCHEMA1_SIGNED,
                "{\"schemaVersion\":1,\"name\":\"team/app\",\"fsLayers\":[]}"));
    assertThatThrownBy(
            () -> client(CredentialStore.empty(), 1).fetchImage(ref("old"), Platform.DEFAULT))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("schema 1")
        .hasMessageContaining(registry + "/team/app:old")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.UNSUPPORTED));
  }

  @Test
  void manifestThatDoesNotMatchTheRequestedDigestIsRejected() throws Exception {
    String wrong = "sha256:" + "0".repeat(64);
    route(
        "/v2/team/app/manifests/" + wrong,
        (ex, hit) -> send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST));
    assertThatThrownBy(
            () ->
                client(CredentialStore.empty(), 1)
                    .fetchManifest(ImageReference.parse(registry + "/team/app@" + wrong)))
        .hasMessageContaining("does not match its digest " + wrong)
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.DIGEST_MISMATCH));
  }

  @Test
  void blobRedirectIsFollowedWithoutLeakingAuthorizationToAnotherHost() throws Exception {
    byte[] blob = "{}".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    // "localhost" and "127.0.0.1" are different hosts for the client.
    String storage = "http://localhost:" + server.getAddress().getPort() + "/storage/blob";
    List<String> storageAuth = new ArrayList<>();
    route(
        "/v2/team/app/blobs/",
        (ex, hit) -> {
          ex.getResponseHeaders().add("Location", storage);
          send(ex, 307, null, "");
        });
    route(
        "/storage/blob",
        (ex, hit) -> {
          storageAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          send(ex, 200, "application/octet-stream", "{}");
        });
    CredentialStore withToken = credentials("u", "p");
    try (InputStream in =
        client(withToken, 1)
            .openBlob(ref("1"), new Descriptor("x", d.toString(), 2, null, null, null))) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
    assertThat(storageAuth).containsExactly("null");
  }

  @Test
  void missingTagAndRepositoryAreNotFound() throws Exception {
    route(
        "/v2/team/app/manifests/nope",
        (ex, hit) ->
            send(
                ex,
                404,
                "application/json",
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"));
    route(
        "/v2/team/other/manifests/1",
        (ex, hit) ->
            send(
                ex,
                404,
                "application/json",
                "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}"));
    RegistryClient client = client(CredentialStore.empty(), 1);
    assertThatThrownBy(() -> client.fetchManifest(ref("nope")))
        .hasMessageContaining("tag nope not found in " + registry + "/team/app")
        .hasMessageContaining("MANIFEST_UNKNOWN");
    assertThatThrownBy(() -> client.fetchManifest(ImageReference.parse(registry + "/team/other:1")))
        .hasMessageContaining("repository " + registry + "/team/other not found")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.NOT_FOUND));
  }
}
