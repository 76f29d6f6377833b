package dev.sekisho.scanner.image.registry;

import static dev.sekisho.scanner.image.registry.RegistryClientTest.MANIFEST;
import static dev.sekisho.scanner.image.registry.RegistryClientTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.testkit.registry.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a registry served over HTTPS by a CA given as a CA bundle: trust through the
 * bundle, and credentials never sent in clear text when the registry points elsewhere over HTTP.
 */
class RegistryClientTlsTest {
  @TempDir Path dir;
  private TestCertificates certificates;
  private HttpsServer registryServer;
  private HttpServer plainServer;
  private String registry;
  private String plain;
  private final List<String> plainAuthorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    certificates = TestCertificates.generate(dir.resolve("tls"));
    registryServer =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    registryServer.setHttpsConfigurator(new HttpsConfigurator(certificates.serving()));
    registryServer.start();
    registry = "127.0.0.1:" + registryServer.getAddress().getPort();
    plainServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    plainServer.createContext(
        "/",
        ex -> {
          try (ex) {
            plainAuthorizations.add(
                String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            if (ex.getRequestURI().getPath().equals("/token")) {
              send(ex, 200, "application/json", "{\"token\":\"tok\",\"expires_in\":300}");
            } else {
              send(ex, 200, "application/octet-stream", "{}");
            }
          }
        });
    plainServer.start();
    plain = "127.0.0.1:" + plainServer.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    registryServer.stop(0);
    plainServer.stop(0);
  }

  /** A registry that wants a bearer token from {@code realm} for manifests and answers with one. */
  private void bearerRegistry(String realm) {
    registryServer.createContext(
        "/v2/team/app/manifests/",
        ex -> {
          try (ex) {
            if ("Bearer tok".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
              return;
            }
            ex.getResponseHeaders()
                .add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"svc\"");
            send(ex, 401, null, "");
          }
        });
  }

  private RegistryClient client(CredentialStore credentials) throws Exception {
    RegistryOptions options =
        new RegistryOptions(
            null, null, null, List.of(certificates.caCertificate()), null, 1, null, null);
    return new RegistryClient(options, credentials, d -> {});
  }

  private CredentialStore credentials(String user, String password) throws Exception {
    Path config = dir.resolve("config.json");
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(config, "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
    return CredentialStore.load(
        new RegistryOptions(List.of(config), null, null, null, null, 0, null, null));
  }

  private ImageReference ref() {
    return ImageReference.parse(registry + "/team/app:1");
  }

  @Test
  void registryIsTrustedThroughTheCaBundleAndUntrustedWithoutIt() throws Exception {
    registryServer.createContext(
        "/v2/team/app/manifests/",
        ex -> {
          try (ex) {
            send(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST);
          }
        });
    assertThat(client(CredentialStore.empty()).fetchManifest(ref()).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    RegistryOptions noBundle = new RegistryOptions(null, null, null, null, null, 1, null, null);
    assertThatThrownBy(
            () ->
                new RegistryClient(noBundle, CredentialStore.empty(), d -> {}).fetchManifest(ref()))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining(registry);
  }

  @Test
  void credentialsAreNotSentToATokenRealmOverPlainHttp() throws Exception {
    bearerRegistry("http://" + plain + "/token");
    assertThatThrownBy(() -> client(credentials("alice", "secret")).fetchManifest(ref()))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("registry " + registry + " names a token realm over plain HTTP")
        .hasMessageContaining("--insecure-registry " + registry)
        .hasMessageNotContaining("secret")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.UNAUTHORIZED));
    assertThat(plainAuthorizations).isEmpty();
  }

  @Test
  void anonymousPullMayGetItsTokenOverPlainHttp() throws Exception {
    bearerRegistry("http://" + plain + "/token");
    assertThat(client(CredentialStore.empty()).fetchManifest(ref()).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(plainAuthorizations).containsExactly("null");
  }

  @Test
  void aTokenRealmThatIsNotHttpIsRefused() throws Exception {
    bearerRegistry("file:///etc/passwd");
    assertThatThrownBy(() -> client(credentials("alice", "secret")).fetchManifest(ref()))
        .hasMessageContaining("names a token realm that is not an HTTP(S) URL: file:///etc/passwd");
  }

  @Test
  void blobRedirectFromHttpsToPlainHttpDropsTheAuthorization() throws Exception {
    byte[] blob = "{}".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(blob);
    registryServer.createContext(
        "/v2/team/app/blobs/",
        ex -> {
          try (ex) {
            ex.getResponseHeaders().add("Location", "http://" + plain + "/storage/blob");
            send(ex, 307, null, "");
          }
        });
    Path config = dir.resolve("token.json");
    Files.writeString(
        config, "{\"auths\":{\"" + registry + "\":{\"registrytoken\":\"registry-token\"}}}");
    CredentialStore withToken =
        CredentialStore.load(
            new RegistryOptions(List.of(config), null, null, null, null, 0, null, null));
    try (var in =
        client(withToken).openBlob(ref(), new Descriptor("x", d.toString(), 2, null, null, null))) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
    assertThat(plainAuthorizations).containsExactly("null");
  }
}
