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
import dev.sekisho.testkit.net.RefusedPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The step side of the scan API against a hand-written fake of the operator's endpoint on 127.0.0.1
 * (the real operator is exercised in the operator's and the end-to-end ITs).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
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

  /** Closes the connection without an answer for this many requests (an operator killed). */
  private final java.util.concurrent.atomic.AtomicInteger droppedFor =
      new java.util.concurrent.atomic.AtomicInteger();

  private final java.util.concurrent.atomic.AtomicInteger requests =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile String answer = "{}";

  /** When set, the fake holds every answer until it is released (a hung operator). */
  private volatile CountDownLatch hold;

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
          CountDownLatch h = hold;
          if (h != null) {
            try {
              h.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          requests.incrementAndGet();
          if (droppedFor.getAndDecrement() > 0) {
            exchange.close(); // no status line: the client sees the connection end
            return;
          }
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
    if (hold != null) {
      hold.countDown();
    }
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
    // refused for the whole test: a port closed again could be taken by another process
    try (RefusedPort refused = RefusedPort.open()) {
      String dead = refused.url("http");
      assertThatThrownBy(() -> scan(options(dead)).run("img:1", DIGEST, null, inventory(), false))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("cannot reach the Sekisho scan API at " + dead);
      assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");

      assertThat(scan(options(dead)).run("img:1", DIGEST, null, inventory(), true)).isZero();
      assertThat(err.toString()).contains("the image was NOT checked");
    }
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
  void aConnectionClosedBeforeTheAnswerIsRetriedUntilItAnswers() {
    // the operator killed while it handled the scan: the same submission again completes it
    droppedFor.set(2);
    answer = "{\"verdict\":\"Pass\",\"scanResult\":\"r\"}";
    ServerOptions o = options(url());
    o.waitSeconds = 20;

    int code = scan(o).run("img:1", DIGEST, null, inventory(), false);

    assertThat(code).isZero();
    assertThat(requests.get()).isEqualTo(3);
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Pass");
    assertThat(err.toString())
        .contains("closed the connection before answering")
        .contains("attempt 2, retrying in");
  }

  @Test
  @Timeout(30)
  void aConnectionClosedUntilTheWaitIsOverFailsClosed() {
    droppedFor.set(Integer.MAX_VALUE);
    ServerOptions o = options(url());
    o.waitSeconds = 2;

    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("closed the connection before answering")
        .hasMessageContaining("gave up after");
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
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
    try (RefusedPort refused = RefusedPort.open()) {
      ServerOptions o = options(refused.url("http"));
      o.waitSeconds = 2;

      assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("cannot reach the Sekisho scan API")
          .hasMessageContaining("gave up after");
      assertThat(err.toString()).contains("attempt 1, retrying in 1s");
    }
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

  // --- the answers that are not a verdict ----------------------------------------------------

  private int run(boolean failOpen) {
    return scan(options(url())).run("img:1", DIGEST, null, inventory(), failOpen);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "503 | is not ready: the bearer token is not valid",
        "500 | answered HTTP 500: the bearer token is not valid",
        "502 | answered HTTP 502: the bearer token is not valid",
      })
  void anErrorStatusFailsClosedWithTheOperatorsMessageAndFailOpenSwallowsIt(
      int code, String message) {
    status = code;
    answer = "{\"error\":\"the bearer token is not valid\"}";

    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("the scan API at " + url() + "/ ")
        .hasMessageContaining(message);
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
    assertThat(tmp.resolve("results/SCAN_RESULT")).hasContent("");

    // --fail-open: an unavailable scan API becomes exit 0, the image unchecked
    assertThat(run(true)).isZero();
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
    assertThat(err.toString())
        .contains("sekisho: WARNING: the scan API at " + url() + "/ ")
        .contains("the image was NOT checked");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "401 | did not accept the ServiceAccount token: no such token",
        "403 | refused this ServiceAccount: no such token",
        "404 | answered HTTP 404: no such token",
      })
  void aRefusedTokenOrServiceAccountFailsClosedEvenWithFailOpen(int code, String message) {
    // a missing RoleBinding must not switch the gate off for good: --fail-open is for outages
    status = code;
    answer = "{\"error\":\"no such token\"}";

    for (boolean failOpen : List.of(false, true)) {
      assertThatThrownBy(() -> run(failOpen))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining(message);
      assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
    }
    assertThat(err.toString()).doesNotContain("NOT checked");
  }

  @Test
  void aRefusedScanIsAUsageErrorThatFailOpenDoesNotSwallow() {
    status = 400;
    answer = "{\"error\":\"field 'digest' is required\"}";

    for (boolean failOpen : List.of(false, true)) {
      assertThatThrownBy(() -> run(failOpen))
          .isInstanceOf(UserInputException.class)
          .hasMessage("the scan API refused the scan: field 'digest' is required");
    }
    assertThat(err.toString()).doesNotContain("NOT checked");
  }

  @Test
  void anErrorWithoutAJsonBodyShowsTheText() {
    status = 502;
    answer = "<html>Bad Gateway</html>";

    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageEndingWith("answered HTTP 502: <html>Bad Gateway</html>");
  }

  @Test
  void anAnswerWithoutAVerdictIsAnInfrastructureError() {
    answer = "{\"scanResult\":\"r\"}";
    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("answered without a verdict");
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");

    answer = "not json";
    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("answered non-JSON");

    answer = "";
    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("answered without a verdict");
    // an answer that is not a verdict is not an outage: --fail-open does not pass it over
    assertThatThrownBy(() -> run(true))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("answered without a verdict");
    assertThat(err.toString()).doesNotContain("NOT checked");
  }

  @Test
  void anOperatorThatDoesNotAnswerTimesOutAndFailOpenSwallowsIt() {
    hold = new CountDownLatch(1);
    ServerOptions o = options(url());
    o.timeoutSeconds = 1;

    assertThatThrownBy(() -> scan(o).run("img:1", DIGEST, null, inventory(), false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("did not answer within 1s (--server-timeout)");
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");

    assertThat(scan(o).run("img:1", DIGEST, null, inventory(), true)).isZero();
    assertThat(err.toString()).contains("did not answer within 1s");
  }

  @Test
  void anEmptyTokenFileIsNeverSent() throws Exception {
    Files.writeString(tmp.resolve("token"), "  \n");

    assertThatThrownBy(() -> run(false))
        .isInstanceOf(InfrastructureException.class)
        .hasMessage("the ServiceAccount token file " + tmp.resolve("token") + " is empty");
    assertThat(received.get()).as("nothing reached the operator").isNull();
    assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
    // a missing token is a broken installation, not an outage: --fail-open does not pass it over
    assertThatThrownBy(() -> run(true))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("is empty");
    assertThat(received.get()).isNull();
  }

  @Test
  void aMissingOrEmptyCaBundleIsAUsageErrorNamingIt() throws Exception {
    ServerOptions missing = options(url().replace("http:", "https:"));
    missing.serverCa = tmp.resolve("no-such-ca.crt");
    assertThatThrownBy(() -> scan(missing).run("img:1", DIGEST, null, inventory(), true))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("cannot read the CA bundle " + missing.serverCa);

    ServerOptions empty = options(url().replace("http:", "https:"));
    empty.serverCa = Files.writeString(tmp.resolve("empty-ca.crt"), "");
    assertThatThrownBy(() -> scan(empty).run("img:1", DIGEST, null, inventory(), true))
        .isInstanceOf(UserInputException.class)
        .hasMessage("the CA bundle " + empty.serverCa + " holds no PEM certificate");

    ServerOptions garbage = options(url().replace("http:", "https:"));
    garbage.serverCa =
        Files.writeString(
            tmp.resolve("bad-ca.crt"),
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> scan(garbage).run("img:1", DIGEST, null, inventory(), true))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("the CA bundle " + garbage.serverCa + " is not valid");
    assertThat(received.get()).as("nothing reached the operator").isNull();
  }

  @Test
  void aReportsDirectoryThatCannotBeWrittenFailsBeforeTheScanIsSent() throws Exception {
    Path blocked = Files.writeString(tmp.resolve("reports"), "a file, not a directory");

    for (boolean failOpen : List.of(false, true)) {
      assertThatThrownBy(() -> run(failOpen))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageStartingWith("cannot write the SBOMs to " + blocked);
    }
    assertThat(received.get()).as("nothing reached the operator").isNull();
  }
}
