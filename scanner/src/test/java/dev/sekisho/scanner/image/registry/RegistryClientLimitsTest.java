package dev.sekisho.scanner.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import com.sun.net.httpserver.HttpServer;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry client's time and size limits against servers on 127.0.0.1 that misbehave on purpose
 * (see {@link HostileServer}). Limits are tiny so that the tests are quick; the assertions are on
 * the errors, never on elapsed time. The timeouts run each test on its own thread: blocking socket
 * reads ignore interrupts, so a client that hangs must fail the test rather than hold the build.
 */
class RegistryClientLimitsTest {
  private static final String BLOB =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  private RegistryClient client(String registry, int attempts, RegistryLimits limits)
      throws ImageAccessException {
    RegistryOptions options =
        new RegistryOptions(null, null, null, null, Set.of(registry), attempts, null, null)
            .withLimits(limits);
    return new RegistryClient(options, CredentialStore.empty(), sleeps::add);
  }

  private static RegistryLimits limits() {
    return RegistryLimits.defaults()
        .withReadTimeout(Duration.ofSeconds(20))
        .withRequestTimeout(Duration.ofSeconds(20))
        .withMinBlobSpeed(0, Duration.ofSeconds(20));
  }

  private static ImageReference ref(String registry) {
    return ImageReference.parse(registry + "/team/app:1");
  }

  private static Descriptor layer(long size) {
    return new Descriptor(MediaTypes.OCI_LAYER_GZIP, BLOB, size, null, null, null);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aServerThatNeverAnswersFailsAtTheReadTimeoutNamingTheRegistry() throws Exception {
    try (HostileServer server = new HostileServer(HostileServer::silent);
        RegistryClient client =
            client(server.hostPort(), 1, limits().withReadTimeout(Duration.ofMillis(300)))) {
      assertThatThrownBy(() -> client.fetchManifest(ref(server.hostPort())))
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("manifest 1 of " + server.hostPort() + "/team/app")
          .hasMessageContaining("from " + server.hostPort())
          .hasMessageContaining("no data for 300 ms (the registry read timeout")
          .hasMessageContaining("--registry-read-timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aServerThatNeverAnswersFailsAtTheRequestTimeoutEvenWhenReadsMayWaitLonger()
      throws Exception {
    try (HostileServer server = new HostileServer(HostileServer::silent);
        RegistryClient client =
            client(server.hostPort(), 1, limits().withRequestTimeout(Duration.ofMillis(500)))) {
      assertThatThrownBy(() -> client.fetchManifest(ref(server.hostPort())))
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("no complete answer from " + server.hostPort() + " within 500 ms")
          .hasMessageContaining("the registry request timeout")
          .hasMessageContaining("--registry-request-timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aManifestDrippedAByteAtATimeFailsAtTheRequestTimeout() throws Exception {
    // each byte comes well within the read timeout, so only the total time can stop it
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, MediaTypes.OCI_MANIFEST, 10_000);
                  HostileServer.drip(out, 1, 100, 10_000);
                });
        RegistryClient client =
            client(server.hostPort(), 1, limits().withRequestTimeout(Duration.ofSeconds(1)))) {
      assertThatThrownBy(() -> client.fetchManifest(ref(server.hostPort())))
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("cannot read manifest 1 of " + server.hostPort() + "/team/app")
          .hasMessageContaining("no complete answer from " + server.hostPort() + " within 1 s")
          .hasMessageContaining("--registry-request-timeout");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aTokenAnswerDrippedAByteAtATimeFailsAtTheRequestTimeout() throws Exception {
    try (HostileServer realm =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, "application/json", 10_000);
                  HostileServer.drip(out, 1, 100, 10_000);
                });
        HostileServer registry =
            new HostileServer(
                (head, in, out) ->
                    out.write(
                        ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"http://"
                                + realm.hostPort()
                                + "/token\",service=\"test\"\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII)));
        RegistryClient client =
            client(registry.hostPort(), 1, limits().withRequestTimeout(Duration.ofSeconds(1)))) {
      assertThatThrownBy(() -> client.fetchManifest(ref(registry.hostPort())))
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("token for repository:team/app:pull")
          .hasMessageContaining("(registry " + registry.hostPort() + ")")
          .hasMessageContaining("no complete answer from " + realm.hostPort() + " within 1 s");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aLayerThatStreamsForeverStopsAtItsDeclaredSize() throws Exception {
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, "application/octet-stream", -1); // no length: until EOF
                  HostileServer.drip(out, 64 << 10, 0, Long.MAX_VALUE);
                });
        RegistryClient client = client(server.hostPort(), 1, limits());
        InputStream in = client.openBlob(ref(server.hostPort()), layer(100_000))) {
      byte[] buf = new byte[1 << 20];
      long[] delivered = {0};
      assertThatThrownBy(
              () -> {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  delivered[0] += n;
                }
              })
          .isInstanceOfSatisfying(
              ImageAccessException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH))
          .hasMessageContaining("blob " + BLOB + " of " + server.hostPort() + "/team/app")
          .hasMessageContaining("longer than its declared size 100000 bytes");
      assertThat(delivered[0]).isLessThanOrEqualTo(100_000);
      assertThat(((VerifyingInputStream) in).count()).isEqualTo(100_001);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aLayerWithoutASizeInItsDescriptorIsNotReadWithoutEnd() throws Exception {
    // a missing "size" reads as 0; it used to mean "unknown", and the layer was read to its end
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, "application/octet-stream", -1);
                  HostileServer.drip(out, 64 << 10, 0, Long.MAX_VALUE);
                });
        RegistryClient client = client(server.hostPort(), 1, limits());
        InputStream in = client.openBlob(ref(server.hostPort()), layer(0))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              ImageAccessException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH))
          .hasMessageContaining("longer than its declared size 0 bytes");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aLayerDrippedBelowTheMinimumSpeedFails() throws Exception {
    // 10 bytes every 20 ms (about 500 bytes/s): never silent for the read timeout
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, "application/octet-stream", 1_000_000);
                  HostileServer.drip(out, 10, 20, 1_000_000);
                });
        RegistryClient client =
            client(
                server.hostPort(), 1, limits().withMinBlobSpeed(100_000, Duration.ofMillis(300)));
        InputStream in = client.openBlob(ref(server.hostPort()), layer(1_000_000))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("cannot read blob " + BLOB + " of " + server.hostPort())
          .hasMessageContaining("below the minimum of 100000 bytes/s for 300 ms")
          .hasMessageContaining("--registry-min-speed");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aLayerThatStallsFailsAtTheReadTimeout() throws Exception {
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, "application/octet-stream", 1_000_000);
                  out.write(new byte[1000]);
                  out.flush();
                  HostileServer.silent(head, in, out);
                });
        RegistryClient client =
            client(server.hostPort(), 1, limits().withReadTimeout(Duration.ofMillis(300)));
        InputStream in = client.openBlob(ref(server.hostPort()), layer(1_000_000))) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
          .hasMessageContaining("cannot read blob " + BLOB + " of " + server.hostPort())
          .hasMessageContaining("--registry-read-timeout");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void retriesOfAServerThatNeverAnswersStopAtTheRetryTimeLimit() throws Exception {
    try (HostileServer server = new HostileServer(HostileServer::silent)) {
      RegistryOptions options =
          new RegistryOptions(null, null, null, null, Set.of(server.hostPort()), 1000, null, null)
              .withLimits(
                  limits()
                      .withReadTimeout(Duration.ofMillis(100))
                      .withRetryTimeout(Duration.ofSeconds(1)));
      // real waits: the retry time limit counts them
      try (RegistryClient client =
          new RegistryClient(options, CredentialStore.empty(), Thread::sleep)) {
        assertThatThrownBy(() -> client.fetchManifest(ref(server.hostPort())))
            .isInstanceOfSatisfying(
                ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
            .hasMessageContaining("cannot fetch manifest 1 of " + server.hostPort())
            .hasMessageContaining("would pass the retry time limit of 1 s")
            .hasMessageContaining("--registry-retry-timeout")
            .hasMessageContaining("--registry-read-timeout");
      }
      assertThat(server.connections()).isBetween(1, 999);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aRetryAfterLongerThanWhatIsLeftOfTheRetryTimeLimitIsNotWaitedFor() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getResponseHeaders().add("Retry-After", "30");
            ex.sendResponseHeaders(503, -1);
          }
        });
    server.start();
    try {
      String registry = "127.0.0.1:" + server.getAddress().getPort();
      try (RegistryClient client =
          client(registry, 1000, limits().withRetryTimeout(Duration.ofSeconds(10)))) {
        assertThatThrownBy(() -> client.fetchManifest(ref(registry)))
            .isInstanceOfSatisfying(
                ImageAccessException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
            .hasMessageContaining("server error (HTTP 503) fetching manifest 1 of " + registry)
            .hasMessageContaining("gave up after 1 attempt ")
            .hasMessageContaining("retry time limit of 10 s");
      }
      assertThat(sleeps).isEmpty();
    } finally {
      server.stop(0);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aTooLargeManifestIsRejectedNamingTheLimit() throws Exception {
    try (HostileServer server =
            new HostileServer(
                (head, in, out) -> {
                  HostileServer.head(out, MediaTypes.OCI_MANIFEST, -1);
                  HostileServer.drip(out, 64 << 10, 0, Long.MAX_VALUE);
                });
        RegistryClient client = client(server.hostPort(), 1, limits())) {
      assertThatThrownBy(() -> client.fetchManifest(ref(server.hostPort())))
          .isInstanceOfSatisfying(
              ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
          .hasMessageContaining("manifest 1 of " + server.hostPort() + "/team/app")
          .hasMessageContaining("larger than the limit of " + RegistryClient.MAX_MANIFEST_BYTES);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void aRegistryThatTakesNoConnectionsFailsAtTheConnectTimeout() throws Exception {
    // a listening socket that never accepts, its queue filled: further connections get no answer
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 200);
            queued.add(s);
          } catch (IOException e) {
            s.close(); // the queue is full
          }
        }
        String registry = "127.0.0.1:" + full.getLocalPort();
        RegistryOptions options =
            new RegistryOptions(
                    null, null, null, null, Set.of(registry), 1, Duration.ofMillis(300), null)
                .withLimits(limits());
        try (RegistryClient client =
            new RegistryClient(options, CredentialStore.empty(), sleeps::add)) {
          assertThatThrownBy(() -> client.fetchManifest(ref(registry)))
              .isInstanceOfSatisfying(
                  ImageAccessException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
              .hasMessageContaining("cannot fetch manifest 1 of " + registry)
              .hasMessageContaining("no connection within 300 ms (the registry connect timeout")
              .hasMessageContaining("--registry-connect-timeout");
        }
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
  void limitsMustBePositive() {
    assertThatThrownBy(() -> RegistryLimits.defaults().withReadTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read timeout must be positive");
    assertThatThrownBy(() -> RegistryLimits.defaults().withMinBlobSpeed(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
