package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpServer;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step side of the scan API against a hand-written fake of the operator's endpoint on 127.0.0.1
 * (the real operator is exercised in the operator's and the end-to-end ITs).
 */
class ServerScanTest {
  private static final ObjectMapper JSON =
      JsonMapper.builder().addModule(new JavaTimeModule()).build();
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @TempDir Path tmp;
  private HttpServer server;
  private final AtomicReference<JsonNode> received = new AtomicReference<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final AtomicReference<String> path = new AtomicReference<>();
  private volatile int status = 200;

  /** Answers 503 (with this Retry-After, when set) to this many requests before {@link #status}. */
  private final java.util.concurrent.atomic.AtomicInteger notReadyFor =
      new java.util.concurrent.atomic.AtomicInteger();

  private volatile String retryAfter;
  private final java.util.concurrent.atomic.AtomicInteger requests =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile String answer = "{}";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startFakeOperator() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/",
        exchange -> {
          path.set(exchange.getRequestURI().getPath());
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          received.set(JSON.readTree(exchange.getRequestBody()));
          requests.incrementAndGet();
          boolean notReady = notReadyFor.getAndDecrement() > 0;
          byte[] body =
              (notReady
                      ? "{\"error\":\"the vulnerability database is not loaded yet; retry shortly\"}"
                      : answer)
                  .getBytes(StandardCharsets.UTF_8);
          if (notReady && retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
          }
          exchange.sendResponseHeaders(notReady ? 503 : status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    Files.writeString(tmp.resolve("token"), "sa-token-123\n");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ServerOptions options(String url) {
    ServerOptions o = new ServerOptions();
    o.server = url;
    o.namespace = "shop";
    o.tokenFile = tmp.resolve("token");
    o.timeoutSeconds = 10;
    o.waitSeconds = 0;
    o.tektonResultsDir = tmp.resolve("results");
    return o;
  }

  private ServerScan scan(ServerOptions o) {
    CliContext context =
        new CliContext(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of(
                "SEKISHO_TEKTON_PIPELINE_RUN", "release-42",
                "SEKISHO_TEKTON_PIPELINE_RUN_UID", "0d9f3c1e-1111-2222-3333-444455556666",
                "SEKISHO_TEKTON_TASK_RUN", "release-42-scan",
                "SEKISHO_TEKTON_PIPELINE", "build-scan-deploy",
                "SEKISHO_REPORTS_DIR", tmp.resolve("reports").toString()),
            Terminal.NONE,
            Clock.systemUTC());
    return new ServerScan(context, o, JSON);
  }

  private static Inventory inventory() {
    ImageFacts facts =
        new ImageFacts(
            "registry.example.com/shop/backend:1.4.2",
            "registry.example.com",
            "shop/backend",
            "1.4.2",
            DIGEST,
            "linux/amd64",
            "",
            List.of("8080/tcp"),
            List.of("PATH"),
            false,
            Map.of(),
            Map.of(),
            null,
            List.of());
    Package openssl =
        new Package(
            PackageType.DEB,
            "libssl3",
            "3.0.11-1~deb12u2",
            "openssl",
            null,
            List.of(),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2",
            new Location("sha256:" + "cd".repeat(32), "/var/lib/dpkg/status"),
            null);
    return new Inventory(facts, null, List.of(openssl), List.of(), List.of());
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void failVerdictExitsOneAndWritesTheTektonResults() throws Exception {
    answer =
        """
        {"verdict":"Fail","namespace":"shop","scanResult":"backend-abababab-release-42",
         "decidingPolicy":"ClusterScanPolicy/production-strict",
         "summary":{"critical":2,"high":5,"fixable":6,"medium":1,"low":0},
         "violations":[{"policy":"ClusterScanPolicy/production-strict","action":"Enforce",
           "rule":"vulnerabilities.failOn","findingId":"CVE-2024-0001","message":"Critical"}],
         "violationCount":1,"stoppedPipelineRun":"release-42"}
        """;
    int code =
        scan(options(url()))
            .run(
                "registry.example.com/shop/backend:1.4.2", null, "linux/amd64", inventory(), false);

    assertThat(code).isEqualTo(1);
    assertThat(path.get()).isEqualTo("/api/v1/namespaces/shop/scans");
    assertThat(authorization.get()).isEqualTo("Bearer sa-token-123");
    JsonNode body = received.get();
    assertThat(body.path("digest").asText()).isEqualTo(DIGEST);
    assertThat(body.path("platform").asText()).isEqualTo("linux/amd64");
    assertThat(body.path("inventory").path("packages").get(0).path("name").asText())
        .isEqualTo("libssl3");
    assertThat(body.path("tekton").path("pipelineRun").asText()).isEqualTo("release-42");
    assertThat(body.path("tekton").path("pipelineRunUid").asText()).startsWith("0d9f3c1e");
    assertThat(body.path("tekton").path("pipeline").asText()).isEqualTo("build-scan-deploy");

    Path results = tmp.resolve("results");
    assertThat(results.resolve("VERDICT")).hasContent("Fail");
    assertThat(results.resolve("SCAN_RESULT")).hasContent("backend-abababab-release-42");
    assertThat(results.resolve("CRITICAL")).hasContent("2");
    assertThat(results.resolve("HIGH")).hasContent("5");
    assertThat(results.resolve("FIXABLE")).hasContent("6");
    assertThat(results.resolve("IMAGE_DIGEST")).hasContent(DIGEST);
    assertThat(tmp.resolve("reports/sbom.cdx.json")).exists();
    assertThat(tmp.resolve("reports/sbom.spdx.json")).exists();
    assertThat(out.toString())
        .contains("Fail")
        .contains("vulnerabilities.failOn")
        .contains("kubectl -n shop get scanresult backend-abababab-release-42");
    assertThat(err.toString()).contains("FAIL critical=2 high=5 fixable=6 violations=1");
  }

  @Test
  void passAndWarnExitZero() {
    for (String verdict : List.of("Pass", "Warn")) {
      answer = "{\"verdict\":\"" + verdict + "\",\"scanResult\":\"r\",\"summary\":{}}";
      assertThat(scan(options(url())).run("img:1", DIGEST, null, inventory(), false)).isZero();
      assertThat(tmp.resolve("results/VERDICT")).hasContent(verdict);
    }
  }

  @Test
  void refusedServiceAccountIsAnInfrastructureErrorNamingTheRule() {
    status = 403;
    answer =
        "{\"error\":\"system:serviceaccount:shop:pipeline may not create scanresults/submit in"
            + " shop\"}";
    assertThatThrownBy(() -> scan(options(url())).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("refused this ServiceAccount")
        .hasMessageContaining("scanresults/submit");
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
  }

  @Test
  void unreachableOperatorFailsClosedUnlessFailOpen() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String dead = "http://127.0.0.1:" + port;
    assertThatThrownBy(() -> scan(options(dead)).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("cannot reach the Sekisho scan API at " + dead);
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");

    assertThat(scan(options(dead)).run("img:1", DIGEST, null, inventory(), true)).isZero();
    assertThat(err.toString()).contains("the image was NOT checked");
  }

  @Test
  @Timeout(30)
  void aNotReadyOperatorIsRetriedUntilItAnswers() {
    notReadyFor.set(2);
    retryAfter = "1";
    answer = "{\"verdict\":\"Fail\",\"scanResult\":\"r\",\"summary\":{\"critical\":1}}";
    ServerOptions o = options(url());
    o.waitSeconds = 20;

    int code = scan(o).run("img:1", DIGEST, null, inventory(), false);

    assertThat(code).isEqualTo(1);
    assertThat(requests.get()).isEqualTo(3);
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Fail");
    assertThat(err.toString())
        .contains("is not ready: the vulnerability database is not loaded yet")
        .contains("attempt 1, retrying in 1s")
        .contains("attempt 2, retrying in 1s");
  }

  @Test
  @Timeout(30)
  void aNotReadyOperatorFailsClosedOnceTheWaitIsOver() {
    notReadyFor.set(Integer.MAX_VALUE);
    ServerOptions o = options(url());
    o.waitSeconds = 2;

    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("is not ready")
        .hasMessageContaining("gave up after")
        .hasMessageContaining("--server-wait");
    assertThat(requests.get()).isGreaterThan(1);
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
  }

  @Test
  @Timeout(30)
  void aRefusedConnectionIsRetriedThenFailsClosed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ServerOptions o = options("http://127.0.0.1:" + port);
    o.waitSeconds = 2;

    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("cannot reach the Sekisho scan API")
        .hasMessageContaining("gave up after");
    assertThat(err.toString()).contains("attempt 1, retrying in 1s");
  }

  @Test
  void otherRefusalsAreNotRetried() {
    status = 401;
    answer = "{\"error\":\"token rejected\"}";
    ServerOptions o = options(url());
    o.waitSeconds = 60;

    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("did not accept the ServiceAccount token");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void aNegativeWaitIsAUsageError() {
    ServerOptions o = options(url());
    o.waitSeconds = -1;
    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("--server-wait -1");
  }

  @Test
  void missingTokenSaysHowToProvideOne() {
    ServerOptions o = options(url());
    o.tokenFile = tmp.resolve("no-such-token");
    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("no-such-token")
        .hasMessageContaining("--token-file");
  }

  @Test
  void malformedServerUrlIsAUsageError() {
    assertThatThrownBy(
            () -> scan(options("not a url")).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("--server not a url");
  }
}
