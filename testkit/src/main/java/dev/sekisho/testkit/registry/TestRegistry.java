package dev.sekisho.testkit.registry;

import dev.sekisho.testkit.fixtures.ExternalTool;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import java.io.IOException;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OCI registry (Debian's {@code docker-registry}, CNCF Distribution v2) running on {@code
 * 127.0.0.1} with a random free port and a temporary storage directory, over plain HTTP, or over
 * TLS with a certificate of a test CA ({@link #startTls}).
 *
 * <p>Tests normally get one from {@link RegistryExtension} ({@code @RegistryTest} on the class and
 * a {@code TestRegistry} parameter); {@link #start} is public for harnesses that manage the
 * lifecycle themselves. Clients must allow plain HTTP ({@code --tls-verify=false} for skopeo).
 *
 * <p>Push fixture images with {@link #push(FixtureBuild)}; it returns the references to pull them
 * by tag and by digest.
 */
public final class TestRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestRegistry.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final String SETUP_HINT = "run hack/setup.sh to install the test tools";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final RegistryAuth auth;
  private final String host;
  private final TestCertificates tls;
  private final int port;
  private final Path workDir;
  private final Process process;
  private final Credentials credentials;
  private final Thread shutdownHook;
  private final Map<String, PushedImage> pushed = new ConcurrentHashMap<>();

  private TestRegistry(
      RegistryAuth auth,
      String host,
      TestCertificates tls,
      int port,
      Path workDir,
      Process process,
      Credentials credentials) {
    this.auth = auth;
    this.host = host;
    this.tls = tls;
    this.port = port;
    this.workDir = workDir;
    this.process = process;
    this.credentials = credentials;
    this.shutdownHook = new Thread(process::destroyForcibly, "sekisho-registry-" + port + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a registry and waits until {@code GET /v2/} answers.
   *
   * @throws IllegalStateException when {@code docker-registry} (or, for {@link RegistryAuth#BASIC},
   *     {@code htpasswd}) is not installed, or the registry does not become ready
   */
  public static TestRegistry start(RegistryAuth auth) {
    return start(auth, null, LOOPBACK, null);
  }

  /**
   * Starts a plain HTTP registry listening on {@code host} (an address of this machine, e.g. one a
   * test cluster's pods can reach) with its storage in a new directory under {@code parentDir}. The
   * caller closes it.
   */
  public static TestRegistry start(RegistryAuth auth, String host, Path parentDir) {
    return start(auth, null, host, parentDir);
  }

  /**
   * Starts a registry that serves HTTPS only, with the server certificate of {@code certificates}
   * (made by {@link TestCertificates#generate}); clients must trust its CA. The caller closes it.
   */
  public static TestRegistry startTls(RegistryAuth auth, TestCertificates certificates) {
    return start(auth, certificates, LOOPBACK, null);
  }

  private static TestRegistry start(
      RegistryAuth auth, TestCertificates tls, String host, Path parentDir) {
    ExternalTool registry = ExternalTool.require("docker-registry", SETUP_HINT);
    Path workDir;
    try {
      workDir =
          parentDir == null
              ? Files.createTempDirectory("sekisho-registry-")
              : Files.createTempDirectory(Files.createDirectories(parentDir), "registry-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a registry storage directory", e);
    }
    Credentials credentials = null;
    Path htpasswd = workDir.resolve("htpasswd");
    if (auth == RegistryAuth.BASIC) {
      byte[] secret = new byte[12];
      new SecureRandom().nextBytes(secret);
      credentials = new Credentials("sekisho", HexFormat.of().formatHex(secret));
      String line =
          ExternalTool.require("htpasswd", SETUP_HINT + " (package apache2-utils)")
              .run(
                  workDir,
                  Duration.ofSeconds(30),
                  "-Bbn",
                  credentials.username(),
                  credentials.password());
      write(htpasswd, line.strip() + "\n");
    }
    // The port is chosen by binding port 0 and releasing it; another process may take it in
    // between, so a start that fails is retried on a new port.
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort(host);
      Path config = workDir.resolve("config-" + port + ".yml");
      Path log = workDir.resolve("registry-" + port + ".log");
      write(config, config(auth, tls, host, port, workDir.resolve("storage"), htpasswd));
      Process process;
      try {
        process =
            new ProcessBuilder(registry.executable().toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + registry.executable(), e);
      }
      TestRegistry started = new TestRegistry(auth, host, tls, port, workDir, process, credentials);
      try {
        started.awaitReady(log);
        LOG.info("registry started auth={} tls={} address={}:{}", auth, tls != null, host, port);
        return started;
      } catch (IllegalStateException e) {
        started.stopProcess();
        last = e;
      }
    }
    deleteTree(workDir);
    throw last;
  }

  private static String config(
      RegistryAuth auth, TestCertificates tls, String host, int port, Path storage, Path htpasswd) {
    StringBuilder yaml =
        new StringBuilder()
            .append("version: 0.1\n")
            .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
            .append("storage:\n  filesystem:\n    rootdirectory: ")
            .append(storage)
            .append("\n  delete:\n    enabled: true\n")
            .append("http:\n  addr: ")
            .append(host)
            .append(':')
            .append(port)
            .append("\n  secret: sekisho-test-registry\n");
    if (tls != null) {
      yaml.append("  tls:\n    certificate: ")
          .append(tls.serverCertificate())
          .append("\n    key: ")
          .append(tls.serverKey())
          .append('\n');
    }
    if (auth == RegistryAuth.BASIC) {
      yaml.append("auth:\n  htpasswd:\n    realm: sekisho-test\n    path: ")
          .append(htpasswd)
          .append('\n');
    }
    return yaml.toString();
  }

  private void awaitReady(Path log) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      builder.sslContext(tls.trustingCa());
    }
    HttpClient client = builder.build();
    HttpRequest request =
        HttpRequest.newBuilder(baseUri().resolve("/v2/")).timeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with code "
                + process.exitValue()
                + " before it was ready on "
                + hostPort()
                + ":"
                + tail(log));
      }
      try {
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        int expected = auth == RegistryAuth.BASIC ? 401 : 200;
        if (status == expected) {
          return;
        }
        if (status != 503) {
          throw new IllegalStateException(
              "GET "
                  + request.uri()
                  + " answered "
                  + status
                  + ", expected "
                  + expected
                  + tail(log));
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      sleep(100);
    }
    throw new IllegalStateException(
        "docker-registry did not answer GET /v2/ on "
            + hostPort()
            + " within "
            + READY_TIMEOUT
            + tail(log));
  }

  /** The registry's authentication mode. */
  public RegistryAuth auth() {
    return auth;
  }

  /** {@code 127.0.0.1} unless started with another address. */
  public String host() {
    return host;
  }

  /** The random port the registry listens on. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image references. */
  public String hostPort() {
    return host + ":" + port;
  }

  /**
   * {@code http://127.0.0.1:PORT} ({@code https://} for a TLS registry); the Distribution API is
   * under {@code /v2/}.
   */
  public URI baseUri() {
    return URI.create((tls != null ? "https://" : "http://") + hostPort());
  }

  /** The certificates of a TLS registry ({@link #startTls}); empty for a plain HTTP one. */
  public Optional<TestCertificates> tls() {
    return Optional.ofNullable(tls);
  }

  /** The credentials of a {@link RegistryAuth#BASIC} registry; empty for an anonymous one. */
  public Optional<Credentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  /** {@code 127.0.0.1:PORT/REPOSITORY:TAG}. */
  public String tagReference(String repository, String tag) {
    return hostPort() + "/" + repository + ":" + tag;
  }

  /** {@code 127.0.0.1:PORT/REPOSITORY@DIGEST}. */
  public String digestReference(String repository, String digest) {
    return hostPort() + "/" + repository + "@" + digest;
  }

  /**
   * Pushes a fixture image (every platform of an index) from its OCI layout with {@code skopeo copy
   * --all --preserve-digests}, once per registry: later calls return the same result. The pushed
   * manifest or index keeps the digest it has in the layout ({@link FixtureBuild#digest()}).
   */
  public PushedImage push(FixtureBuild fixture) {
    return pushed.computeIfAbsent(
        fixture.repository() + "@" + fixture.digest(), key -> doPush(fixture));
  }

  private PushedImage doPush(FixtureBuild fixture) {
    ExternalTool skopeo = ExternalTool.require("skopeo", SETUP_HINT);
    List<String> args = new ArrayList<>();
    args.addAll(List.of("copy", "--all", "--preserve-digests", "--dest-tls-verify=false"));
    credentials().ifPresent(c -> args.addAll(List.of("--dest-creds", c.colonForm())));
    args.add(fixture.ociReference());
    args.add("docker://" + tagReference(fixture.repository(), fixture.tag()));
    skopeo.run(null, Map.of(), Duration.ofMinutes(5), args);
    LOG.info(
        "pushed fixture={} registry={} digest={}", fixture.image(), hostPort(), fixture.digest());
    return new PushedImage(
        this,
        fixture,
        tagReference(fixture.repository(), fixture.tag()),
        digestReference(fixture.repository(), fixture.digest()));
  }

  /** Stops the registry and deletes its storage. */
  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook stops the process
    }
    deleteTree(workDir);
  }

  private void stopProcess() {
    dev.sekisho.testkit.ChildProcess.stop(process, java.time.Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "TestRegistry[" + auth + (tls != null ? " tls " : " ") + hostPort() + "]";
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines =
          new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return "\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the registry", e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete registry directory path={}", root, e);
    }
  }
}
