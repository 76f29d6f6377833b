package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyException;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.PipelineRuns;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator against a real kube-apiserver with RBAC: the scan API authenticates real
 * ServiceAccount tokens (TokenReview) and authorises them (SubjectAccessReview); the reconciler,
 * the gate and the requeue run through JOSDK with real watches; Tekton's PipelineRun CRD is
 * installed.
 */
@WithKubeApiServer(crds = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "5e1f".repeat(16);
  private static final String PIPELINE_SA = ScanSubmitters.PIPELINE_SA;

  private final KubeApiServer server;
  private final KubernetesClient admin;
  private RunningOperator operator;
  private final HttpClient http = HttpClient.newHttpClient();

  OperatorIT(KubeApiServer server) {
    this.server = server;
    this.admin = server.adminClient();
  }

  @BeforeAll
  void startOperator(@TempDir Path work) throws Exception {
    PipelineRuns.installCrd(admin);
    operator = RunningOperator.builder(server, work).matcher(FixtureMatcher.advisories()).start();
  }

  @AfterAll
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private String namespaceWithSubmitter(String prefix) {
    return ScanSubmitters.namespaceWithSubmitter(server, prefix);
  }

  private ScanPolicy policy(
      String ns, String name, PolicyAction action, List<PolicyException> exceptions) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(action);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    spec.setExceptions(exceptions);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(spec);
    return admin.resource(p).create();
  }

  private ObjectNode body(String pipelineRun, String uid) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("image", "registry.example.com/shop/app:1.4.2");
    body.put("digest", DIGEST);
    body.put("platform", "linux/amd64");
    try (InputStream in = OperatorIT.class.getResourceAsStream("/inventory-vulnerable.json")) {
      body.set("inventory", JSON.readTree(in));
    }
    if (pipelineRun != null) {
      ObjectNode t = body.putObject("tekton");
      t.put("pipelineRun", pipelineRun);
      t.put("pipeline", "build-and-deploy");
      t.put("taskRun", pipelineRun + "-scan");
      if (uid != null) {
        t.put("pipelineRunUid", uid);
      }
    }
    return body;
  }

  private HttpResponse<String> post(String ns, String token, JsonNode body) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(operator.apiUrl().resolve("/api/v1/namespaces/" + ns + "/scans"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(String ns, String sa) {
    return server.serviceAccountToken(ns, sa, Duration.ofMinutes(10));
  }

  private GenericKubernetesResource pipelineRun(String ns, String name, PipelineRuns.State state) {
    return PipelineRuns.create(admin, ns, name, "build-and-deploy", PIPELINE_SA, state);
  }

  private GenericKubernetesResource getPipelineRun(String ns, String name) {
    return PipelineRuns.get(admin, ns, name);
  }

  private static Object specStatus(GenericKubernetesResource pr) {
    return PipelineRuns.specStatus(pr);
  }

  private ScanResult result(String ns, String name) {
    return admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
  }

  private List<Event> events(String ns, String name) {
    return admin.events().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getRegarding() != null && name.equals(e.getRegarding().getName()))
        .toList();
  }

  // --- tests ---------------------------------------------------------------------------------

  @Test
  void aScanPostedAsTheTasksServiceAccountCreatesAFailingScanResult() throws Exception {
    String ns = namespaceWithSubmitter("scan-fail");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());

    HttpResponse<String> response = post(ns, token(ns, PIPELINE_SA), body(null, null));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("verdict").asText()).isEqualTo("Fail");
    assertThat(answer.get("decidingPolicy").asText()).isEqualTo("ScanPolicy/" + ns + "/no-high");
    assertThat(answer.get("summary").get("high").asInt()).isEqualTo(1);
    assertThat(answer.get("summary").get("medium").asInt()).isEqualTo(1);
    assertThat(answer.get("summary").get("packages").asInt()).isEqualTo(3);
    assertThat(answer.get("violations").findValuesAsText("findingId"))
        .containsExactly("CVE-2024-5535");

    String name = answer.get("scanResult").asText();
    assertThat(name).isEqualTo("scan-5e1f5e1f5e1f");
    ScanResult stored = result(ns, name);
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(stored.getStatus().getViolationCount()).isEqualTo(1);
    assertThat(stored.getStatus().getViolations().getFirst().getPackageName()).isEqualTo("libssl3");
    assertThat(stored.getStatus().getObservedGeneration())
        .isEqualTo(stored.getMetadata().getGeneration());
    assertThat(stored.getSpec().getSource().getServiceAccount()).isEqualTo(ns + "/" + PIPELINE_SA);
    assertThat(stored.getMetadata().getLabels())
        .containsEntry(Constants.LABEL_IMAGE_DIGEST, DIGEST.substring(7, 70));
    assertThat(operator.operator().store().get(stored.getSpec().getStoreKey())).isPresent();
    Awaiting.until(
        "a VerdictFail event",
        () -> events(ns, name).stream().anyMatch(e -> "VerdictFail".equals(e.getReason())));

    // kubectl get scanresults: the server-side table shows the verdict column.
    HttpResponse<String> table =
        server.get(
            "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults",
            KubeApiServer.TABLE_ACCEPT);
    JsonNode t = JSON.readTree(table.body());
    List<String> columns = t.get("columnDefinitions").findValuesAsText("name");
    JsonNode row = t.get("rows").get(0).get("cells");
    assertThat(row.get(columns.indexOf("Verdict")).asText()).isEqualTo("Fail");

    // Posting again (a retried step) updates the same result: no second object, no second event.
    HttpResponse<String> again = post(ns, token(ns, PIPELINE_SA), body(null, null));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).hasSize(1);
    assertThat(events(ns, name).stream().filter(e -> "VerdictFail".equals(e.getReason())))
        .hasSize(1);
  }

  @Test
  void aCycloneDxSbomIsAcceptedAsTheInventory() throws Exception {
    String ns = namespaceWithSubmitter("scan-sbom");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    ObjectNode body = body(null, null);
    try (InputStream in = OperatorIT.class.getResourceAsStream("/sbom-vulnerable.cdx.json")) {
      body.set("inventory", JSON.readTree(in));
    }

    HttpResponse<String> response = post(ns, token(ns, PIPELINE_SA), body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("verdict").asText()).isEqualTo("Fail");
    assertThat(answer.get("summary").get("packages").asInt()).isEqualTo(2);
    assertThat(answer.get("violations").findValuesAsText("findingId"))
        .containsExactly("CVE-2024-5535");

    ((ObjectNode) body.get("inventory")).put("specVersion", "1.2");
    HttpResponse<String> old = post(ns, token(ns, PIPELINE_SA), body);
    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(old.body()).contains("field 'inventory' is not a valid SBOM").contains("1.2");
  }

  @Test
  void callersWithoutAValidTokenOrTheRoleBindingAreRefused() throws Exception {
    String ns = namespaceWithSubmitter("scan-authz");
    server.ensureServiceAccount(ns, "other");

    HttpResponse<String> noToken = post(ns, null, body(null, null));
    assertThat(noToken.statusCode()).isEqualTo(401);
    HttpResponse<String> badToken = post(ns, "not-a-token", body(null, null));
    assertThat(badToken.statusCode()).isEqualTo(401);

    HttpResponse<String> forbidden = post(ns, token(ns, "other"), body(null, null));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(forbidden.body()).get("error").asText())
        .contains("system:serviceaccount:" + ns + ":other")
        .contains("resources: [\"scanresults/submit\"], verbs: [\"create\"]");

    // The submitter of one namespace cannot submit into another.
    String elsewhere = server.createNamespace("scan-elsewhere");
    assertThat(post(elsewhere, token(ns, PIPELINE_SA), body(null, null)).statusCode())
        .isEqualTo(403);

    HttpResponse<String> badBody =
        post(ns, token(ns, PIPELINE_SA), JSON.createObjectNode().put("image", "x"));
    assertThat(badBody.statusCode()).isEqualTo(400);
    assertThat(badBody.body()).contains("field 'digest' is required");
    assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void aPipelineServiceAccountCannotWriteScanResults() throws Exception {
    String ns = namespaceWithSubmitter("scan-rbac");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    String name =
        JSON.readTree(post(ns, token(ns, PIPELINE_SA), body(null, null)).body())
            .get("scanResult")
            .asText();
    KubernetesClient asPipeline = server.serviceAccountClient(ns, PIPELINE_SA);

    ScanResult forged = new ScanResult();
    forged.setMetadata(new ObjectMetaBuilder().withName("forged").withNamespace(ns).build());
    forged.getSpec().setImage("registry.example.com/shop/app:1.4.2");
    assertThatThrownBy(() -> asPipeline.resource(forged).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    String pass = "{\"status\":{\"verdict\":\"Pass\"}}";
    var existing = asPipeline.resources(ScanResult.class).inNamespace(ns).withName(name);
    assertThatThrownBy(
            () -> existing.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), pass))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(
            () ->
                existing.patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(existing::delete)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(result(ns, name).getStatus().getVerdict()).isEqualTo(Verdict.Fail);
  }

  @Test
  void aRunningPipelineRunOfAFailingResultIsCancelledAndADoneOneIsNot() throws Exception {
    String ns = namespaceWithSubmitter("gate");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    GenericKubernetesResource running = pipelineRun(ns, "build-1", PipelineRuns.State.RUNNING);
    GenericKubernetesResource done = pipelineRun(ns, "build-2", PipelineRuns.State.SUCCEEDED);

    JsonNode first =
        JSON.readTree(
            post(ns, token(ns, PIPELINE_SA), body("build-1", running.getMetadata().getUid()))
                .body());
    JsonNode second =
        JSON.readTree(
            post(ns, token(ns, PIPELINE_SA), body("build-2", done.getMetadata().getUid())).body());

    assertThat(first.get("verdict").asText()).isEqualTo("Fail");
    assertThat(first.get("stoppedPipelineRun").asText()).isEqualTo("build-1");
    GenericKubernetesResource stopped = getPipelineRun(ns, "build-1");
    assertThat(specStatus(stopped)).isEqualTo("CancelledRunFinally");
    assertThat(stopped.getMetadata().getAnnotations())
        .containsEntry("sekisho.dev/stopped-by", first.get("scanResult").asText());
    ScanResult r1 = result(ns, first.get("scanResult").asText());
    assertThat(r1.getStatus().getStoppedPipelineRun()).isEqualTo("build-1");
    assertThat(r1.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Constants.CONDITION_PIPELINE_RUN_STOPPED);
              assertThat(c.getStatus()).isEqualTo("True");
            });
    Awaiting.until(
        "a PipelineRunStopped event",
        () ->
            events(ns, r1.getMetadata().getName()).stream()
                .anyMatch(e -> "PipelineRunStopped".equals(e.getReason())));

    assertThat(second.get("verdict").asText()).isEqualTo("Fail");
    GenericKubernetesResource untouched = getPipelineRun(ns, "build-2");
    assertThat(specStatus(untouched)).isNull();
    assertThat(untouched.getMetadata().getResourceVersion())
        .isEqualTo(done.getMetadata().getResourceVersion());
    ScanResult r2 = result(ns, second.get("scanResult").asText());
    assertThat(r2.getStatus().getStoppedPipelineRun()).isNull();
    assertThat(r2.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Constants.CONDITION_PIPELINE_RUN_STOPPED);
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("PipelineRunDone");
            });

    // Idempotent: submitting again does not patch the cancelled run again.
    String rv = stopped.getMetadata().getResourceVersion();
    post(ns, token(ns, PIPELINE_SA), body("build-1", running.getMetadata().getUid()));
    assertThat(getPipelineRun(ns, "build-1").getMetadata().getResourceVersion()).isEqualTo(rv);
  }

  @Test
  void aRecreatedPipelineRunWithAnotherUidIsNotTouched() throws Exception {
    String ns = namespaceWithSubmitter("gate-uid");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    GenericKubernetesResource running = pipelineRun(ns, "build-1", PipelineRuns.State.RUNNING);

    JsonNode answer =
        JSON.readTree(
            post(ns, token(ns, PIPELINE_SA), body("build-1", UUID.randomUUID().toString())).body());

    assertThat(answer.get("verdict").asText()).isEqualTo("Fail");
    assertThat(specStatus(getPipelineRun(ns, "build-1"))).isNull();
    assertThat(getPipelineRun(ns, "build-1").getMetadata().getResourceVersion())
        .isEqualTo(running.getMetadata().getResourceVersion());
    assertThat(result(ns, answer.get("scanResult").asText()).getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("UidMismatch"));
  }

  @Test
  void aWarnPolicyStopsNothing() throws Exception {
    String ns = namespaceWithSubmitter("gate-warn");
    policy(ns, "warn-high", PolicyAction.Warn, List.of());
    GenericKubernetesResource running = pipelineRun(ns, "build-1", PipelineRuns.State.RUNNING);

    JsonNode answer =
        JSON.readTree(
            post(ns, token(ns, PIPELINE_SA), body("build-1", running.getMetadata().getUid()))
                .body());

    assertThat(answer.get("verdict").asText()).isEqualTo("Warn");
    assertThat(answer.get("violations").findValuesAsText("findingId"))
        .containsExactly("CVE-2024-5535");
    assertThat(specStatus(getPipelineRun(ns, "build-1"))).isNull();
    assertThat(result(ns, answer.get("scanResult").asText()).getStatus().getStoppedPipelineRun())
        .isNull();
  }

  @Test
  void anExceptionFlipsTheVerdictToPassAndBackToFailWhenItExpires() throws Exception {
    String ns = namespaceWithSubmitter("exception");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    String name =
        JSON.readTree(post(ns, token(ns, PIPELINE_SA), body(null, null)).body())
            .get("scanResult")
            .asText();
    assertThat(result(ns, name).getStatus().getVerdict()).isEqualTo(Verdict.Fail);

    // Every status the result is stored with, in order: a Pass that lasts only until the
    // exception expires is seen even when no poll would catch it.
    List<ScanResultStatus> seen = new CopyOnWriteArrayList<>();
    try (Watch watch =
        admin
            .resources(ScanResult.class)
            .inNamespace(ns)
            .withName(name)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ScanResult r) {
                    if (r.getStatus() != null) {
                      seen.add(r.getStatus());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      // The operator must see the exception before it expires, which takes as long as the
      // machine needs: when it expires first, the test tries again with a window twice as long
      // (no bound on how fast the operator is; the test's timeout bounds a hang).
      Duration window = Duration.ofSeconds(10);
      Instant expires;
      while (true) {
        expires = Instant.now().plus(window).truncatedTo(ChronoUnit.SECONDS);
        addException(ns, "no-high", expires);
        Instant e = expires;
        Awaiting.until(
            "the exception makes the verdict Pass, or it expires first",
            window.plus(Duration.ofMinutes(2)),
            () -> passUntil(seen, e) >= 0 || Instant.now().isAfter(e));
        if (passUntil(seen, e) >= 0) {
          break;
        }
        window = window.multipliedBy(2);
      }

      // No further change to anything: the requeue at the expiry re-evaluates by itself.
      Instant e = expires;
      Awaiting.until(
          "the expired exception makes the verdict Fail again",
          window.plus(Duration.ofMinutes(2)),
          () -> failAfter(seen, passUntil(seen, e)) != null);
      ScanResultStatus failed = failAfter(seen, passUntil(seen, e));
      assertThat(failed.getLastEvaluated().toInstant()).isAfterOrEqualTo(expires);
      assertThat(failed.getNextEvaluation()).isNull();
    }
    assertThat(result(ns, name).getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    List<String> reasons = events(ns, name).stream().map(Event::getReason).toList();
    assertThat(reasons).contains("VerdictFail", "VerdictPass");
  }

  /** Excepts CVE-2024-5535 from the policy until {@code expires}. */
  private void addException(String ns, String policy, Instant expires) throws IOException {
    // A merge patch without a resourceVersion: the operator writes the policy's status
    // meanwhile, which would make an optimistic-locking edit conflict.
    admin
        .resources(ScanPolicy.class)
        .inNamespace(ns)
        .withName(policy)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            JSON.writeValueAsString(
                Map.of(
                    "spec",
                    Map.of(
                        "exceptions",
                        List.of(
                            Map.of(
                                "id", "CVE-2024-5535",
                                "reason", "fix ships in the next release (test)",
                                "expires", expires.toString()))))));
  }

  /** The index of the first Pass in {@code seen} due for re-evaluation at {@code expires}. */
  private static int passUntil(List<ScanResultStatus> seen, Instant expires) {
    for (int i = 0; i < seen.size(); i++) {
      ScanResultStatus s = seen.get(i);
      if (s.getVerdict() == Verdict.Pass
          && s.getNextEvaluation() != null
          && s.getNextEvaluation().toInstant().equals(expires)) {
        return i;
      }
    }
    return -1;
  }

  /** The first Fail in {@code seen} after index {@code pass}, or null. */
  private static ScanResultStatus failAfter(List<ScanResultStatus> seen, int pass) {
    if (pass < 0) {
      return null;
    }
    return seen.subList(pass + 1, seen.size()).stream()
        .filter(s -> s.getVerdict() == Verdict.Fail)
        .findFirst()
        .orElse(null);
  }

  @Test
  void policyStatusReportsReadinessAndCounts() throws Exception {
    String ns = namespaceWithSubmitter("policy-status");
    policy(ns, "no-high", PolicyAction.Enforce, List.of());
    post(ns, token(ns, PIPELINE_SA), body(null, null));
    Awaiting.until(
        "the policy counts one failing result",
        () -> {
          ScanPolicy p =
              admin.resources(ScanPolicy.class).inNamespace(ns).withName("no-high").get();
          return p.getStatus() != null
              && Integer.valueOf(1).equals(p.getStatus().getMatchedResults())
              && Integer.valueOf(1).equals(p.getStatus().getFailingResults());
        });
    ScanPolicy p = admin.resources(ScanPolicy.class).inNamespace(ns).withName("no-high").get();
    assertThat(p.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
            });
  }
}
