package dev.sekisho.testkit.kube;

import dev.sekisho.testkit.ChildProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd and kube-apiserver (no kubelet, no controller manager) on 127.0.0.1 with random ports
 * and a temporary directory, for integration tests.
 *
 * <p>The API server runs with {@code --authorization-mode=Node,RBAC}, the default admission plugins
 * (which include PodSecurity and ServiceAccount), and service-account token issuing, so
 * TokenRequest, TokenReview and SubjectAccessReview behave as in a cluster. The admin authenticates
 * with a static bearer token as a member of {@code system:masters}; the API server serves its own
 * self-signed certificate, which the clients trust explicitly.
 *
 * <p>Tests normally get an instance through {@link WithKubeApiServer}, which shares one server per
 * test JVM. {@link #close()} stops both processes and deletes the temporary directory.
 */
public final class KubeApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeApiServer.class);

  /** Environment variable: {@code 1} keeps the work directory (logs, etcd data) after close. */
  public static final String KEEP_ENV = "SEKISHO_KEEP_KUBE_DIR";

  /** The user the admin token authenticates as. */
  public static final String ADMIN_USER = "sekisho-test-admin";

  /** {@code Accept} header that asks the API server for a server-side table (kubectl get). */
  public static final String TABLE_ACCEPT =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  // Generous: the API server needs a few seconds on an idle machine, far longer on a busy one.
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int PORT_ATTEMPTS = 3;
  private static final String LOOPBACK = "127.0.0.1";

  private final KubeTestBinaries binaries;
  private final Options options;
  private final Path workDir;
  private final String adminToken;
  private final SecureRandom random = new SecureRandom();
  private Process etcd;
  private Process apiServer;
  private URI url;
  private Path caFile;
  private Path kubeconfig;
  private HttpClient http;
  private KubernetesClient adminClient;
  private Duration startupTime;
  private volatile boolean closed;
  private String lastProbe = "none yet";

  private KubeApiServer(KubeTestBinaries binaries, Options options, Path workDir) {
    this.binaries = binaries;
    this.options = options;
    this.workDir = workDir;
    byte[] token = new byte[32];
    random.nextBytes(token);
    this.adminToken = HexFormat.of().formatHex(token);
  }

  /**
   * Starts etcd and kube-apiserver from the given binaries and waits until the API server is ready.
   *
   * @throws IllegalStateException when a binary is missing or a process does not come up (the
   *     message carries the tail of its log)
   */
  public static KubeApiServer start(KubeTestBinaries binaries) {
    return start(binaries, Options.DEFAULT);
  }

  /**
   * Where the API server listens and which Service range it serves; {@link #DEFAULT} is what {@link
   * #start(KubeTestBinaries)} uses. etcd always listens on 127.0.0.1.
   *
   * @param address the address the API server binds and advertises (the {@code kubernetes}
   *     Service's endpoint, and an IP address in its serving certificate)
   * @param serviceClusterIpRange {@code --service-cluster-ip-range}
   * @param workDirParent where the temporary work directory is created; {@code null} for the
   *     system's temporary directory
   * @param extraArgs further kube-apiserver flags, e.g. {@code
   *     --kubelet-preferred-address-types=InternalIP}
   */
  public record Options(
      String address, String serviceClusterIpRange, Path workDirParent, List<String> extraArgs) {
    /**
     * 127.0.0.1, Services in 10.0.0.0/24, work directory in the system's temporary directory, no
     * extra flags.
     */
    public static final Options DEFAULT = new Options(LOOPBACK, "10.0.0.0/24", null, List.of());

    public Options {
      extraArgs = List.copyOf(extraArgs);
    }
  }

  /**
   * As {@link #start(KubeTestBinaries)}, listening on {@code options.address()} (for a cluster
   * whose pods must reach the API server, which they cannot on the host's 127.0.0.1).
   */
  public static KubeApiServer start(KubeTestBinaries binaries, Options options) {
    if (!binaries.missing().isEmpty()) {
      throw new IllegalStateException(binaries.missingMessage());
    }
    Path dir;
    try {
      dir =
          options.workDirParent() == null
              ? Files.createTempDirectory("sekisho-kube-")
              : Files.createTempDirectory(
                  Files.createDirectories(options.workDirParent()), "kube-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
    }
    KubeApiServer server = new KubeApiServer(binaries, options, dir);
    try {
      server.startProcesses();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void startProcesses() {
    long began = System.nanoTime();
    int etcdPort = startEtcd();
    startApiServer(etcdPort);
    startupTime = Duration.ofNanos(System.nanoTime() - began);
    adminClient = newClient(adminConfig());
    log.info(
        "kube-apiserver {} ready at {} after {} ms (work dir {})",
        binaries.version(),
        url,
        startupTime.toMillis(),
        workDir);
  }

  private int startEtcd() {
    Path logFile = workDir.resolve("etcd.log");
    for (int attempt = 1; ; attempt++) {
      int clientPort = freePort(LOOPBACK);
      int peerPort = freePort(LOOPBACK);
      String clientUrl = "http://" + LOOPBACK + ":" + clientPort;
      String peerUrl = "http://" + LOOPBACK + ":" + peerPort;
      etcd =
          launch(
              logFile,
              List.of(
                  binaries.etcd().toString(),
                  "--name=default",
                  "--data-dir=" + workDir.resolve("etcd-data-" + attempt),
                  "--listen-client-urls=" + clientUrl,
                  "--advertise-client-urls=" + clientUrl,
                  "--listen-peer-urls=" + peerUrl,
                  "--initial-advertise-peer-urls=" + peerUrl,
                  "--initial-cluster=default=" + peerUrl,
                  // the data is thrown away after the run
                  "--unsafe-no-fsync=true",
                  "--log-level=warn"));
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      URI health = URI.create(clientUrl + "/health");
      boolean up =
          waitUntil(
              etcd,
              "etcd",
              logFile,
              () -> {
                HttpResponse<String> r = send(plain, HttpRequest.newBuilder(health).build());
                return r != null && r.statusCode() == 200 && r.body().contains("\"true\"");
              });
      if (up) {
        return clientPort;
      }
      retryOrFail("etcd", logFile, attempt);
    }
  }

  private void startApiServer(int etcdPort) {
    Path certDir = workDir.resolve("certs");
    Path tokens = workDir.resolve("tokens.csv");
    Path saKey = workDir.resolve("service-account.key");
    Path logFile = workDir.resolve("kube-apiserver.log");
    try {
      Files.createDirectories(certDir);
      Files.writeString(
          tokens, adminToken + "," + ADMIN_USER + "," + ADMIN_USER + ",system:masters\n");
      Files.writeString(saKey, newRsaKeyPem());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the API server's credentials in " + workDir, e);
    }
    for (int attempt = 1; ; attempt++) {
      int port = freePort(options.address());
      url = URI.create("https://" + options.address() + ":" + port);
      caFile = certDir.resolve("apiserver.crt");
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  binaries.kubeApiServer().toString(),
                  "--bind-address=" + options.address(),
                  "--advertise-address=" + options.address(),
                  "--secure-port=" + port,
                  "--etcd-servers=http://" + LOOPBACK + ":" + etcdPort,
                  // no --tls-cert-file: the API server writes a self-signed serving
                  // certificate (SANs 127.0.0.1, kubernetes.default.svc…) into --cert-dir
                  "--cert-dir=" + certDir,
                  "--token-auth-file=" + tokens,
                  "--authorization-mode=Node,RBAC",
                  // PodSecurity is in the default set since 1.25; named so that it stays on
                  "--enable-admission-plugins=PodSecurity",
                  "--service-account-issuer=https://kubernetes.default.svc",
                  "--service-account-key-file=" + saKey,
                  "--service-account-signing-key-file=" + saKey,
                  "--service-cluster-ip-range=" + options.serviceClusterIpRange(),
                  "--allow-privileged=true",
                  "--profiling=false"));
      command.addAll(options.extraArgs());
      apiServer = launch(logFile, command);
      boolean up = waitUntil(apiServer, "kube-apiserver", logFile, this::readyz);
      if (up) {
        kubeconfig = writeKubeconfig();
        return;
      }
      retryOrFail("kube-apiserver", logFile, attempt);
    }
  }

  /** True once the API server answers {@code /readyz} with 200 over TLS. */
  private boolean readyz() {
    if (http == null) {
      // The API server writes its certificate while starting: a file read too early may be empty
      // or cut short, so trust only a file that parses, and reload it after a failed handshake.
      SSLContext trust = trustingWhenWritten(caFile);
      if (trust == null) {
        lastProbe = "no complete serving certificate in " + caFile + " yet";
        return false;
      }
      http = HttpClient.newBuilder().sslContext(trust).build();
    }
    HttpRequest request =
        HttpRequest.newBuilder(url.resolve("/readyz"))
            .header("Authorization", "Bearer " + adminToken)
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      lastProbe = "/readyz HTTP " + response.statusCode() + ": " + response.body();
      return response.statusCode() == 200;
    } catch (SSLException e) {
      lastProbe = "TLS failure: " + e;
      log.debug("TLS to {} failed ({}); reloading {}", url, e.getMessage(), caFile);
      http.close();
      http = null;
      return false;
    } catch (IOException e) {
      lastProbe = e.toString();
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing " + request.uri(), e);
    }
  }

  private void retryOrFail(String what, Path logFile, int attempt) {
    String tail = tail(logFile);
    // Another process may have taken the free port between probing and binding it.
    if (attempt < PORT_ATTEMPTS && tail.contains("address already in use")) {
      log.warn("{} lost its port to another process; retrying", what);
      return;
    }
    throw new IllegalStateException(what + " exited during startup; last log lines:\n" + tail);
  }

  /**
   * Polls {@code ready} until it holds (true), the process exits (false) or the startup timeout
   * passes (exception).
   */
  private boolean waitUntil(Process process, String what, Path logFile, BooleanSupplier ready) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        return false;
      }
      if (ready.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException(
            what
                + " did not become ready within "
                + STARTUP_TIMEOUT.toSeconds()
                + " s (last probe: "
                + lastProbe
                + "); last log lines:\n"
                + tail(logFile));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing " + request.uri(), e);
    }
  }

  private static Process launch(Path logFile, List<String> command) {
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.getFirst(), e);
    }
  }

  private static int freePort(String address) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + address, e);
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A fresh RSA key as PKCS#8 PEM: it signs and verifies service-account tokens. */
  private static String newRsaKeyPem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  /** An SSL context trusting the certificates in {@code pemFile}; null while it is incomplete. */
  static SSLContext trustingWhenWritten(Path pemFile) {
    if (!Files.isRegularFile(pemFile)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(pemFile)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("cert-" + i++, cert);
      }
      if (i == 0) {
        return null;
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (CertificateException e) {
      return null; // still being written
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the API server certificate " + pemFile, e);
    }
  }

  private Path writeKubeconfig() {
    Path file = workDir.resolve("kubeconfig");
    String yaml = kubeconfigYaml(caFile.toString());
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  // ---------------------------------------------------------------- what tests use

  /**
   * The key that signs service-account tokens (PKCS#8 PEM); a controller manager signs with it too.
   */
  public Path serviceAccountKey() {
    return workDir.resolve("service-account.key");
  }

  /** The API server's work directory (its logs, etcd's data). */
  public Path workDir() {
    return workDir;
  }

  /** The API server's base URL, {@code https://ADDRESS:<port>} (ADDRESS 127.0.0.1 by default). */
  public URI url() {
    return url;
  }

  /** PEM file with the certificates the API server's serving certificate chains to. */
  public Path caCertificate() {
    return caFile;
  }

  /**
   * The admin kubeconfig's text, naming the API server's CA as {@code caPath}: where the CA file is
   * seen by whoever reads it (a container that mounts it elsewhere gives its own path).
   */
  public String kubeconfigYaml(String caPath) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: admin
          user:
            token: %s
        contexts:
        - name: test
          context:
            cluster: test
            user: admin
        current-context: test
        """
        .formatted(url, caPath, adminToken);
  }

  /** A kubeconfig file for {@code kubectl --kubeconfig} that acts as the admin. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The binaries this server runs from ({@code kubectl} among them). */
  public KubeTestBinaries binaries() {
    return binaries;
  }

  /** How long etcd and the API server took to become ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * The shared admin client ({@code system:masters}); owned by this server, do not close it. Its
   * default namespace is unset, so name one with {@code inNamespace}.
   */
  public KubernetesClient adminClient() {
    return adminClient;
  }

  /** A client configuration for the admin, to derive other configurations from. */
  public Config adminConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url.toString())
        .withCaCertFile(caFile.toString())
        .withOauthToken(adminToken)
        .build();
  }

  /**
   * A new client that authenticates with the given bearer token (e.g. a service-account token from
   * {@link #serviceAccountToken}). The caller closes it.
   */
  public KubernetesClient clientWithToken(String token) {
    return newClient(
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url.toString())
            .withCaCertFile(caFile.toString())
            .withOauthToken(token)
            .build());
  }

  /**
   * A new admin client that impersonates the ServiceAccount {@code namespace/name} with the groups
   * the API server gives service accounts. The caller closes it. The ServiceAccount need not exist:
   * impersonation asks only the authorizer.
   */
  public KubernetesClient impersonatingServiceAccount(String namespace, String name) {
    Config config = adminConfig();
    config.setImpersonateUsername(serviceAccountUser(namespace, name));
    config.setImpersonateGroups(
        "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
    return newClient(config);
  }

  /**
   * A new client that authenticates as the ServiceAccount {@code namespace/name} with a real bearer
   * token issued by TokenRequest, as a Pod would. Creates the ServiceAccount when missing. The
   * caller closes it.
   */
  public KubernetesClient serviceAccountClient(String namespace, String name) {
    return clientWithToken(serviceAccountToken(namespace, name, Duration.ofHours(1)));
  }

  /**
   * Issues a token for the ServiceAccount {@code namespace/name} through the TokenRequest API
   * (audience: the API server), creating the ServiceAccount when missing.
   */
  public String serviceAccountToken(String namespace, String name, Duration lifetime) {
    ensureServiceAccount(namespace, name);
    return adminClient
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(lifetime.toSeconds())
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  /** The user name the API server gives the ServiceAccount {@code namespace/name}. */
  public static String serviceAccountUser(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** Creates the ServiceAccount {@code namespace/name} unless it exists. */
  public void ensureServiceAccount(String namespace, String name) {
    if (adminClient.serviceAccounts().inNamespace(namespace).withName(name).get() == null) {
      try {
        adminClient
            .serviceAccounts()
            .inNamespace(namespace)
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .build())
            .create();
      } catch (KubernetesClientException e) {
        // a controller manager (in a real cluster) may have created it in between
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /**
   * Creates a namespace named {@code <prefix>-<random>} with its {@code default} ServiceAccount
   * (there is no controller manager to create it, and the ServiceAccount admission plugin rejects
   * Pods without it). Namespaces are not deleted: without a controller manager they would stay
   * Terminating, and the whole server goes away after the run.
   *
   * @return the namespace name
   */
  public String createNamespace(String prefix) {
    return createNamespace(prefix, Map.of());
  }

  /** As {@link #createNamespace(String)}, with labels (e.g. Pod Security levels). */
  public String createNamespace(String prefix, Map<String, String> labels) {
    String name =
        prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-" + randomSuffix();
    adminClient
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    ensureServiceAccount(name, "default");
    return name;
  }

  private String randomSuffix() {
    byte[] bytes = new byte[3];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Applies the project's CRDs ({@code manifests/crds/*.yaml}) and waits until they are
   * Established. Idempotent: later calls re-apply the same files.
   */
  public void applySekishoCrds() {
    SekishoCrds.apply(adminClient);
  }

  /**
   * GET of an API path as the admin with the given {@code Accept} header, e.g. {@link
   * #TABLE_ACCEPT} for the rows {@code kubectl get} prints.
   */
  public HttpResponse<String> get(String path, String accept) {
    try {
      // 429 "storage is (re)initializing" follows a CRD's creation for a moment; the server says
      // when to come back, and the fabric8 client retries it the same way
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(url.resolve(path))
                    .header("Authorization", "Bearer " + adminToken)
                    .header("Accept", accept)
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 429 || System.nanoTime() > deadline) {
          return response;
        }
        long seconds =
            response
                .headers()
                .firstValue("Retry-After")
                .filter(v -> v.matches("[0-9]{1,3}"))
                .map(Long::parseLong)
                .orElse(1L);
        Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(seconds, 5))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + path, e);
    }
  }

  private static KubernetesClient newClient(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Stops the API server and etcd and deletes the temporary directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (adminClient != null) {
      adminClient.close();
    }
    if (http != null) {
      http.close();
    }
    stop(apiServer);
    stop(etcd);
    if ("1".equals(System.getenv(KEEP_ENV))) {
      log.info("{}=1: keeping {} (kube-apiserver.log, etcd.log)", KEEP_ENV, workDir);
    } else {
      deleteRecursively(workDir);
    }
  }

  private static void stop(Process process) {
    ChildProcess.stop(process, STOP_TIMEOUT);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "KubeApiServer[" + binaries.version() + " at " + url + "]";
  }
}
