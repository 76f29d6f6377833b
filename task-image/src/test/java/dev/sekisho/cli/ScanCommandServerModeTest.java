package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.testkit.net.RefusedPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sekisho scan --server URL} as the scan-image Task calls it (the same arguments, the same
 * environment), against a hand-written fake of the operator's endpoint on 127.0.0.1. The target is
 * an SBOM so that no registry is needed; StepToOperatorIT runs the same command against a registry
 * image and the real operator.
 */
class ScanCommandServerModeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @TempDir Path tmp;
  private HttpServer server;
  private final AtomicReference<JsonNode> received = new AtomicReference<>();
  private volatile String answer;
  private Path sbom;

  @BeforeEach
  void startFakeOperator() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/api/v1/namespaces/shop/scans",
        exchange -> {
          received.set(JSON.readTree(exchange.getRequestBody()));
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    Files.writeString(tmp.resolve("token"), "sa-token\n");
    sbom = tmp.resolve("app.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
         "components":[{"type":"library","name":"zlib","version":"1.3.1-r1",
                        "purl":"pkg:apk/alpine/zlib@1.3.1-r1?arch=x86_64"}]}
        """);
    answer =
        """
        {"verdict":"Fail","scanResult":"app-abababab","decidingPolicy":"ScanPolicy/shop/strict",
         "summary":{"critical":1,"high":0,"fixable":1},"violationCount":1,
         "violations":[{"policy":"ScanPolicy/shop/strict","action":"Enforce",
                        "rule":"vulnerabilities.failOn","message":"CVE-2099-1 in zlib"}]}
        """;
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", tmp.resolve("home").toString());
    env.put("SEKISHO_NAMESPACE", "shop");
    env.put("SEKISHO_TEKTON_PIPELINE_RUN", "release-7");
    env.put("SEKISHO_TEKTON_PIPELINE_RUN_UID", "0d9f3c1e-1111-2222-3333-444455556666");
    env.put("SEKISHO_TEKTON_TASK_RUN", "release-7-scan");
    env.put("SEKISHO_TEKTON_PIPELINE", "build-scan-deploy");
    // the Task passes an empty path for unbound optional workspaces
    env.put("SEKISHO_REPORTS_DIR", "");
    env.put("DOCKER_CONFIG", "");
    return env;
  }

  /** The Task's argument list: scan IMAGE --digest=D --platform=P --server=S --results-dir … */
  private CliRun step(String target, String digest, String server, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("scan");
    args.add(target);
    args.add("--digest=" + digest);
    args.add("--platform=linux/amd64");
    args.add("--server=" + server);
    args.add("--tekton-results-dir=" + tmp.resolve("results"));
    args.add("--token-file=" + tmp.resolve("token"));
    // a local database that does not exist: server mode must not open it
    args.add("--db=" + tmp.resolve("no-such-db"));
    args.add("--offline");
    args.addAll(List.of(extra));
    return CliRun.run(env(), args.toArray(String[]::new));
  }

  @Test
  void theTasksArgumentsSubmitToTheServerWithoutALocalDatabase() throws Exception {
    CliRun r = step("sbom:" + sbom, DIGEST, url());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    JsonNode body = received.get();
    assertThat(body.path("image").asText()).isEqualTo("sbom:" + sbom);
    assertThat(body.path("digest").asText()).isEqualTo(DIGEST);
    assertThat(body.path("platform").asText()).isEqualTo("linux/amd64");
    assertThat(body.path("inventory").path("packages").findValuesAsText("name"))
        .containsExactly("zlib");
    assertThat(body.path("tekton").path("pipelineRun").asText()).isEqualTo("release-7");
    assertThat(body.path("tekton").path("taskRun").asText()).isEqualTo("release-7-scan");
    Path results = tmp.resolve("results");
    assertThat(results.resolve("VERDICT")).hasContent("Fail");
    assertThat(results.resolve("SCAN_RESULT")).hasContent("app-abababab");
    assertThat(results.resolve("CRITICAL")).hasContent("1");
    assertThat(results.resolve("IMAGE_DIGEST")).hasContent(DIGEST);
    assertThat(r.out()).contains("vulnerabilities.failOn", "kubectl -n shop get scanresult");
    assertThat(Files.exists(tmp.resolve("no-such-db"))).isFalse();
    // SEKISHO_REPORTS_DIR="" (unbound workspace) writes no reports, not into the working dir
    assertThat(Path.of("sbom.cdx.json")).doesNotExist();
  }

  @Test
  void anEmptyDigestMeansNone() {
    CliRun r = step("sbom:" + sbom, "", url());

    // "none", not "invalid": an SBOM has no manifest digest of its own, so the scan API's
    // requirement is what the user hears about
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("needs the image's manifest digest").contains("give --digest");
    assertThat(r.err()).doesNotContain("invalid --digest");
    assertThat(received.get()).isNull();
  }

  @Test
  void aMalformedDigestIsAUsageError() {
    CliRun r = step("sbom:" + sbom, "sha256:xyz", url());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("invalid --digest 'sha256:xyz'");
    assertThat(received.get()).isNull();
  }

  @Test
  void passAndWarnExitZero() throws Exception {
    for (String verdict : List.of("Pass", "Warn")) {
      answer = "{\"verdict\":\"" + verdict + "\",\"scanResult\":\"app-abababab\",\"summary\":{}}";
      CliRun r = step("sbom:" + sbom, DIGEST, url());
      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(tmp.resolve("results/VERDICT")).hasContent(verdict);
    }
  }

  @Test
  void optionsOfALocalVerdictAreRefusedNotIgnored() {
    for (List<String> flags :
        List.of(
            List.of("--policy=" + tmp.resolve("p.yaml")),
            List.of("--fail-on=high"),
            List.of("--format=json"),
            List.of("--output=" + tmp.resolve("out.json")),
            List.of("--report=sarif=" + tmp.resolve("r.sarif")),
            List.of("--fail-on=high", "--format=sarif"))) {
      CliRun r = step("sbom:" + sbom, DIGEST, url(), flags.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
      assertThat(r.err()).contains("not apply with --server").doesNotContain("Exception");
      assertThat(received.get()).as("nothing was submitted").isNull();
    }
  }

  @Test
  void anUnreachableServerFailsClosedUnlessFailOpen() throws Exception {
    // refused for the whole test: a port closed again could be taken by another process
    try (RefusedPort refused = RefusedPort.open()) {
      String down = refused.url("http");

      CliRun closed = step("sbom:" + sbom, DIGEST, down, "--server-wait=2");
      assertThat(closed.exitCode()).isEqualTo(3);
      assertThat(closed.err())
          .contains("cannot reach the Sekisho scan API at " + down)
          .contains("retrying in")
          .contains("gave up after");
      assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");

      CliRun open = step("sbom:" + sbom, DIGEST, down, "--fail-open", "--server-wait=0");
      assertThat(open.exitCode()).as(open.all()).isZero();
      assertThat(open.err()).contains("the image was NOT checked");
      assertThat(tmp.resolve("results/VERDICT")).hasContent("Error");
    }
  }

  @Test
  void theServerWaitComesFromTheEnvironmentLikeEveryOption() throws Exception {
    try (RefusedPort refused = RefusedPort.open()) {
      String down = refused.url("http");
      Map<String, String> env = env();
      env.put("SEKISHO_SERVER_WAIT", "1");
      CliRun r =
          CliRun.run(
              env,
              "scan",
              "sbom:" + sbom,
              "--digest=" + DIGEST,
              "--server=" + down,
              "--token-file=" + tmp.resolve("token"),
              "--tekton-results-dir=" + tmp.resolve("results"));
      assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
      assertThat(r.err()).contains("retrying in").contains("gave up after");

      env.put("SEKISHO_SERVER_WAIT", "-1");
      CliRun negative =
          CliRun.run(
              env,
              "scan",
              "sbom:" + sbom,
              "--digest=" + DIGEST,
              "--server=" + down,
              "--token-file=" + tmp.resolve("token"));
      assertThat(negative.exitCode()).as(negative.all()).isEqualTo(2);
      assertThat(negative.err()).contains("--server-wait -1");
    }
  }

  @Test
  void aRegistryTargetIsPinnedToTheDigestAndKeepsItsTag() {
    Target pinned = ScanCommand.pinned(Target.parse("registry.local:5000/shop/app:1.4.2"), DIGEST);
    assertThat(pinned.reference().manifestReference()).isEqualTo(DIGEST);
    assertThat(pinned.reference().tag()).isEqualTo("1.4.2");
    assertThat(pinned.input()).isEqualTo("registry.local:5000/shop/app:1.4.2");

    Target same =
        ScanCommand.pinned(Target.parse("registry.local:5000/shop/app@" + DIGEST), DIGEST);
    assertThat(same.reference().digest()).isEqualTo(DIGEST);

    assertThat(ScanCommand.pinned(Target.parse("sbom:x.json"), DIGEST).reference()).isNull();
    assertThatThrownBy(
            () ->
                ScanCommand.pinned(
                    Target.parse("registry.local:5000/shop/app@sha256:" + "cd".repeat(32)), DIGEST))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("contradicts");
  }
}
