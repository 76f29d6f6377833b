package dev.sekisho.operator.scanapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.gate.GateOutcome;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.testing.DecidingReconciler;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.PipelineRuns;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of the scan API other than a verdict, through the real server on 127.0.0.1 and a
 * real API server: routing (404, 405), the body (415, 413, 400), authentication (401, token
 * audiences), the Kubernetes API refusing the operator's own requests (502), the database (503), a
 * failure inside (500), the 409 retry when a ScanResult is written concurrently, and an evaluation
 * that fails (verdict Error). Beside the scan API runs the real ScanResult reconciler (a JOSDK
 * operator), which decides every result; the API answers with its decision. The operator's client
 * is a real client whose RBAC is chosen per test; a concurrent writer is a fabric8 request
 * interceptor that changes the object through the admin client just before the operator's request
 * goes out, so the API server's own conflict is what the operator meets.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScanApiErrorsIT {
  /** As the operator configures it. */
  private static final ObjectMapper JSON = ScanApiServer.json();

  private static final String DIGEST = "sha256:" + "e7707".repeat(12) + "e770";
  private static final String RESULT = "scan-" + DIGEST.substring(7, 19);

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> clusterScoped = new ArrayList<>();
  @TempDir Path work;

  ScanApiErrorsIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    for (String name : clusterScoped) {
      admin.rbac().clusterRoleBindings().withName(name).delete();
      admin.rbac().clusterRoles().withName(name).delete();
    }
  }

  // --- the harness ---------------------------------------------------------------------------

  /** How long the scan API waits for the reconciler's decision. */
  private java.time.Duration decisionWait = java.time.Duration.ofMinutes(1);

  /**
   * The scan API as the operator assembles it, on 127.0.0.1:0, over plain HTTP, with {@code
   * client}; and the ScanResult reconciler, which decides, with {@code reconcilerClient} (none when
   * null).
   */
  private URI serve(
      KubernetesClient client,
      KubernetesClient reconcilerClient,
      VulnMatcher matcher,
      List<String> audiences,
      long maxBody)
      throws Exception {
    Clock clock = Clock.systemUTC();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ReportStore store = new ReportStore(work.resolve("store"));
    ScanResultCache results = new ScanResultCache();
    if (reconcilerClient != null) {
      Operator operator =
          DecidingReconciler.start(
              reconcilerClient, store, results, clock, meters, "scan-api-errors-it");
      closing.add(operator::stop);
    }
    ScanApiServer server =
        new ScanApiServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            null,
            new Authorizer(client, audiences),
            new ScanService(client, matcher, store, results, decisionWait, clock, "test"),
            JSON,
            new InventoryDecoder(JSON, new SbomFileDecoder(JSON, work)),
            maxBody,
            2,
            meters);
    server.start();
    closing.add(server);
    return URI.create("http://127.0.0.1:" + server.address().getPort());
  }

  private URI serve(KubernetesClient client) throws Exception {
    return serve(client, admin, FixtureMatcher.advisories(), List.of(), 1 << 20);
  }

  /** A namespace whose pipeline ServiceAccount may submit scans, with an Enforce policy. */
  private String namespace(String prefix) {
    String ns = ScanSubmitters.namespaceWithSubmitter(kube, prefix);
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("no-high").withNamespace(ns).build());
    p.setSpec(spec);
    admin.resource(p).create();
    return ns;
  }

  private String token(String ns) {
    return kube.serviceAccountToken(
        ns, ScanSubmitters.PIPELINE_SA, java.time.Duration.ofMinutes(10));
  }

  private static ObjectNode body() throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("image", "registry.example.com/shop/app:1.4.2");
    body.put("digest", DIGEST);
    try (InputStream in = ScanApiErrorsIT.class.getResourceAsStream("/inventory-vulnerable.json")) {
      body.set("inventory", JSON.readTree(in));
    }
    return body;
  }

  private record Reply(int status, String contentType, String allow, JsonNode body) {
    String error() {
      return body.path("error").asText();
    }
  }

  private Reply send(URI api, String method, String path, String auth, String type, byte[] body)
      throws Exception {
    java.net.http.HttpRequest.Builder req =
        java.net.http.HttpRequest.newBuilder(api.resolve(path))
            .timeout(java.time.Duration.ofMinutes(2))
            .method(
                method,
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      req.header("Authorization", auth);
    }
    if (type != null) {
      req.header("Content-Type", type);
    }
    var r = http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    return new Reply(
        r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(null),
        r.headers().firstValue("Allow").orElse(null),
        r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
  }

  private Reply submit(URI api, String ns, String token, JsonNode body) throws Exception {
    return send(
        api,
        "POST",
        "/api/v1/namespaces/" + ns + "/scans",
        "Bearer " + token,
        "application/json",
        JSON.writeValueAsBytes(body));
  }

  private List<ScanResult> results(String ns) {
    return admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
  }

  /**
   * A client for the ServiceAccount {@code operator} of {@code ns} with exactly {@code rules}
   * (cluster-wide), as an operator installed with too narrow a ClusterRole would have.
   */
  private KubernetesClient operatorClientWith(String ns, PolicyRule... rules) {
    String name = "sekisho-it-" + ns;
    admin
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withRules(rules)
                .build())
        .serverSideApply();
    admin
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("operator")
                .withNamespace(ns)
                .endSubject()
                .build())
        .serverSideApply();
    clusterScoped.add(name);
    KubernetesClient client = kube.impersonatingServiceAccount(ns, "operator");
    closing.add(client);
    return client;
  }

  private static PolicyRule rule(String group, String resource, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }

  private static final PolicyRule TOKEN_REVIEWS =
      rule("authentication.k8s.io", "tokenreviews", "create");
  private static final PolicyRule ACCESS_REVIEWS =
      rule("authorization.k8s.io", "subjectaccessreviews", "create");

  /**
   * An admin client whose requests matching {@code when} first run {@code race} (the other writer),
   * and a count of how often it ran.
   */
  private record Racing(KubernetesClient client, AtomicInteger raced) {}

  private Racing racingAdmin(Predicate<HttpRequest> when, Runnable race) {
    AtomicInteger raced = new AtomicInteger();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(kube.adminConfig())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "race",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            if (when.test(request)) {
                              raced.incrementAndGet();
                              race.run();
                            }
                          }
                        }))
            .build();
    closing.add(client);
    return new Racing(client, raced);
  }

  private static boolean writes(HttpRequest r, String method, String pathPart) {
    return r.method().equals(method) && r.uri().getPath().contains(pathPart);
  }

  // --- routing and the body ------------------------------------------------------------------

  @Test
  void aWrongRouteOrMethodIsRefusedBeforeAnyoneIsAsked() throws Exception {
    // an operator client without any right: routing must not need the API server
    String ns = kube.createNamespace("api-route");
    URI api = serve(operatorClientWith(ns, rule("", "configmaps", "get")));

    Reply other = send(api, "POST", "/api/v1/namespaces/" + ns + "/other", null, null, null);
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.contentType()).isEqualTo("application/json");
    assertThat(other.error()).isEqualTo("no such route: /api/v1/namespaces/" + ns + "/other");

    Reply badNamespace = send(api, "POST", "/api/v1/namespaces/Not_A_Name/scans", null, null, null);
    assertThat(badNamespace.status()).isEqualTo(404);

    Reply get = send(api, "GET", "/api/v1/namespaces/" + ns + "/scans", null, null, null);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.allow()).isEqualTo("POST");
    assertThat(get.error()).isEqualTo("only POST is allowed");
  }

  @Test
  void aBodyOfTheWrongTypeSizeOrSyntaxIsRefusedWithoutAResult() throws Exception {
    String ns = namespace("api-body");
    URI api = serve(admin, admin, FixtureMatcher.advisories(), List.of(), 4096);
    String bearer = "Bearer " + token(ns);
    String path = "/api/v1/namespaces/" + ns + "/scans";

    Reply text = send(api, "POST", path, bearer, "text/plain", "{}".getBytes());
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.error()).isEqualTo("Content-Type must be application/json, got text/plain");

    Reply big = send(api, "POST", path, bearer, "application/json", new byte[4097]);
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.error()).isEqualTo("the body is larger than 4096 bytes");

    Reply notJson = send(api, "POST", path, bearer, "application/json", "{\"image\":".getBytes());
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.error()).startsWith("the body is not JSON: ").doesNotContain("\n");

    assertThat(results(ns)).isEmpty();
  }

  // --- authentication ------------------------------------------------------------------------

  @Test
  void aMissingMalformedEmptyOrForeignTokenIs401() throws Exception {
    String ns = namespace("api-token");
    URI api = serve(admin);
    String path = "/api/v1/namespaces/" + ns + "/scans";
    byte[] body = JSON.writeValueAsBytes(body());

    Reply none = send(api, "POST", path, null, "application/json", body);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error())
        .isEqualTo("missing 'Authorization: Bearer <ServiceAccount token>' header");

    Reply basic = send(api, "POST", path, "Basic dXNlcjpwYXNz", "application/json", body);
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.error()).startsWith("missing 'Authorization: Bearer");

    Reply empty = send(api, "POST", path, "Bearer  \t ", "application/json", body);
    assertThat(empty.status()).isEqualTo(401);
    // the server trims the value to "Bearer": the caller hears what is wrong, not "missing"
    assertThat(empty.error()).isEqualTo("empty bearer token");

    Reply glued = send(api, "POST", path, "Bearernot-a-token", "application/json", body);
    assertThat(glued.status()).isEqualTo(401);
    assertThat(glued.error()).startsWith("missing 'Authorization: Bearer");

    Reply forged = send(api, "POST", path, "Bearer not-a-token", "application/json", body);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.error()).startsWith("the bearer token is not valid");

    assertThat(results(ns)).isEmpty();
  }

  @Test
  void withAudiencesOnlyATokenForThemIsAccepted() throws Exception {
    String ns = namespace("api-audience");
    URI api =
        serve(admin, admin, FixtureMatcher.advisories(), List.of("sekisho-scan-api"), 1 << 20);

    // the default token is for the API server, not for the scan API
    Reply apiServerToken = submit(api, ns, token(ns), body());
    assertThat(apiServerToken.status()).isEqualTo(401);
    assertThat(apiServerToken.error()).startsWith("the bearer token is not valid");
    assertThat(results(ns)).isEmpty();

    String scanApiToken =
        admin
            .serviceAccounts()
            .inNamespace(ns)
            .withName(ScanSubmitters.PIPELINE_SA)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withAudiences("sekisho-scan-api")
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Reply accepted = submit(api, ns, scanApiToken, body());
    assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(200);
    assertThat(accepted.body().path("verdict").asText()).isEqualTo("Fail");
  }

  // --- the Kubernetes API refusing the operator: 502 ------------------------------------------

  @Test
  void anOperatorThatMayNotReviewTokensAnswers502() throws Exception {
    String ns = namespace("api-502-tr");
    URI api = serve(operatorClientWith(ns, ACCESS_REVIEWS));

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.error())
        .startsWith("the Kubernetes API refused a request: ")
        .contains("tokenreviews");
    assertThat(results(ns)).isEmpty();
  }

  @Test
  void anOperatorThatMayNotReviewAccessAnswers502() throws Exception {
    String ns = namespace("api-502-sar");
    URI api = serve(operatorClientWith(ns, TOKEN_REVIEWS));

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.error())
        .startsWith("the Kubernetes API refused a request: ")
        .contains("subjectaccessreviews");
    assertThat(results(ns)).isEmpty();
  }

  @Test
  void anOperatorThatMayNotCreateScanResultsAnswers502() throws Exception {
    String ns = namespace("api-502-create");
    URI api =
        serve(
            operatorClientWith(
                ns, TOKEN_REVIEWS, ACCESS_REVIEWS, rule(Constants.GROUP, "scanresults", "get")));

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.error())
        .startsWith("the Kubernetes API refused a request: ")
        .contains("scanresults")
        .contains("create");
    assertThat(results(ns)).isEmpty();
  }

  // --- the database and the inside: 503, 500 ---------------------------------------------------

  @Test
  void withoutADatabaseTheApiAnswers503() throws Exception {
    String ns = namespace("api-503");
    VulnMatcher none = Optional::empty;
    URI api = serve(admin, admin, none, List.of(), 1 << 20);

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error()).isEqualTo("the vulnerability database is not loaded yet; retry shortly");
    assertThat(results(ns)).isEmpty();
  }

  @Test
  void aFailureInsideAnswers500NamingIt() throws Exception {
    String ns = namespace("api-500");
    FixtureMatcher fixture = FixtureMatcher.advisories();
    VulnMatcher broken =
        () ->
            fixture
                .database()
                .map(
                    db ->
                        new MatchingDatabase() {
                          @Override
                          public String version() {
                            return db.version();
                          }

                          @Override
                          public Instant built() {
                            return db.built();
                          }

                          @Override
                          public List<Vulnerability> match(
                              OperatingSystem os, List<Package> packages) {
                            throw new IllegalStateException("the database file is corrupt");
                          }

                          @Override
                          public List<ScanWarning> uncovered(
                              OperatingSystem os, List<Package> packages) {
                            return List.of();
                          }
                        });
    URI api = serve(admin, admin, broken, List.of(), 1 << 20);

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.error())
        .isEqualTo("internal error: IllegalStateException: the database file is corrupt");
    assertThat(results(ns)).isEmpty();
  }

  // --- concurrent writers: the 409 retry -------------------------------------------------------

  @Test
  void aResultCreatedConcurrentlyIsReadAgainAndUpdated() throws Exception {
    String ns = namespace("api-409");
    Racing racing =
        racingAdmin(
            r -> writes(r, "POST", "/namespaces/" + ns + "/scanresults"),
            () -> {
              ScanResult other = new ScanResult();
              other.setMetadata(new ObjectMetaBuilder().withName(RESULT).withNamespace(ns).build());
              other.getSpec().setImage("registry.example.com/shop/app:other");
              other.getSpec().setDigest(DIGEST);
              admin.resource(other).create();
            });
    URI api = serve(racing.client());

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(racing.raced()).as("the other writer created it first").hasValue(1);
    assertThat(r.body().path("scanResult").asText()).isEqualTo(RESULT);
    List<ScanResult> stored = results(ns);
    assertThat(stored).hasSize(1);
    assertThat(stored.getFirst().getSpec().getImage())
        .isEqualTo("registry.example.com/shop/app:1.4.2");
    assertThat(stored.getFirst().getStatus().getVerdict()).isEqualTo(Verdict.Fail);
  }

  @Test
  void aResultThatKeepsChangingGivesUpAfterThreeAttemptsWith502() throws Exception {
    String ns = namespace("api-409-again");
    ScanResult first = new ScanResult();
    first.setMetadata(new ObjectMetaBuilder().withName(RESULT).withNamespace(ns).build());
    first.getSpec().setImage("registry.example.com/shop/app:old");
    first.getSpec().setDigest(DIGEST);
    admin.resource(first).create();
    AtomicInteger n = new AtomicInteger();
    Racing racing =
        racingAdmin(
            r -> writes(r, "PUT", "/namespaces/" + ns + "/scanresults/" + RESULT),
            () ->
                admin
                    .resources(ScanResult.class)
                    .inNamespace(ns)
                    .withName(RESULT)
                    .edit(
                        s -> {
                          s.getMetadata()
                              .setLabels(
                                  java.util.Map.of("other-writer", "" + n.incrementAndGet()));
                          return s;
                        }));
    URI api = serve(racing.client());

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.error()).startsWith("the Kubernetes API refused a request: ").contains("409");
    assertThat(racing.raced()).as("three attempts, each conflicting").hasValue(3);
    assertThat(results(ns).getFirst().getSpec().getImage())
        .isEqualTo("registry.example.com/shop/app:old");
  }

  // --- evaluation ------------------------------------------------------------------------------

  @Test
  void anEvaluationThatFailsRecordsVerdictError() throws Exception {
    String ns = namespace("api-eval");
    // the stored report turns unreadable between the scan API's store and its ScanResult write:
    // the reconciler cannot load it
    Path stored = work.resolve("store").resolve(ns + "_" + RESULT + ".json.gz");
    Racing racing =
        racingAdmin(
            r -> writes(r, "POST", "/namespaces/" + ns + "/scanresults"),
            () -> {
              try {
                Files.write(stored, "not gzip".getBytes());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    URI api = serve(racing.client());

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(racing.raced()).hasValue(1);
    assertThat(r.body().path("verdict").asText()).isEqualTo("Error");
    ScanResult result = results(ns).getFirst();
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Error);
    assertThat(result.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Constants.CONDITION_EVALUATED);
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("EvaluationFailed");
              assertThat(c.getMessage()).isNotBlank();
            });
  }

  // --- only the reconciler decides ----------------------------------------------------------

  @Test
  void withoutTheReconcilerTheApiWritesTheSpecButNoStatusAndAnswers503() throws Exception {
    String ns = namespace("api-undecided");
    decisionWait = java.time.Duration.ofSeconds(2);
    URI api = serve(admin, null, FixtureMatcher.advisories(), List.of(), 1 << 20);

    Reply r = submit(api, ns, token(ns), body());

    assertThat(r.status()).as(r.body().toString()).isEqualTo(503);
    assertThat(r.error())
        .isEqualTo(
            "the operator has not decided ScanResult "
                + ns
                + "/"
                + RESULT
                + " within 2s (SEKISHO_API_DECISION_WAIT; is an operator replica leading?);"
                + " retry shortly");
    ScanResult written = results(ns).getFirst();
    assertThat(written.getSpec().getImage()).isEqualTo("registry.example.com/shop/app:1.4.2");
    assertThat(written.getStatus().getObservedGeneration())
        .as("the scan API never writes status")
        .isNull();
    assertThat(written.getStatus().getVerdict()).isNull();
  }

  @Test
  void concurrentSubmissionsForOneImageEndInOneConsistentStatus() throws Exception {
    String ns = namespace("api-concurrent");
    URI api = serve(admin);
    String token = token(ns);
    int n = 4;

    List<java.util.concurrent.Future<Reply>> replies = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
      var start = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < n; i++) {
        replies.add(
            pool.submit(
                () -> {
                  start.await();
                  return submit(api, ns, token, body());
                }));
      }
      start.countDown();
    }

    for (var f : replies) {
      Reply r = f.get();
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      assertThat(r.body().path("verdict").asText()).isEqualTo("Fail");
      assertThat(r.body().path("scanResult").asText()).isEqualTo(RESULT);
    }
    // each answer waited for a status at least as new as its own write: the last write's is there
    ScanResult result = results(ns).getFirst();
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(result.getStatus().getObservedGeneration())
        .isEqualTo(result.getMetadata().getGeneration());
    // one verdict change, so one Event, however many submissions raced
    java.util.function.Supplier<Long> verdictEvents =
        () ->
            admin.events().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> RESULT.equals(e.getRegarding().getName()))
                .filter(e -> e.getReason().startsWith("Verdict"))
                .count();
    dev.sekisho.testkit.kube.Awaiting.until("the verdict Event", () -> verdictEvents.get() > 0);
    assertThat(verdictEvents.get()).isEqualTo(1);
  }

  // --- a gate that may not stop the run -------------------------------------------------------

  @Test
  void aRunTheGateMayNotStopStillGetsItsVerdictRecordedAndAnswered() throws Exception {
    PipelineRuns.installCrd(admin);
    String ns = namespace("api-gate-403");
    GenericKubernetesResource run =
        PipelineRuns.running(admin, ns, "build-1", "build-and-deploy", ScanSubmitters.PIPELINE_SA);
    // everything the scan API and the reconciler need, but only "get" on PipelineRuns
    KubernetesClient client =
        operatorClientWith(
            ns,
            TOKEN_REVIEWS,
            ACCESS_REVIEWS,
            rule(Constants.GROUP, "scanresults", "get", "list", "watch", "create", "update"),
            rule(Constants.GROUP, "scanresults/status", "patch"),
            rule(Constants.GROUP, "scanpolicies", "get", "list", "watch"),
            rule(Constants.GROUP, "clusterscanpolicies", "get", "list", "watch"),
            rule("", "namespaces", "get", "list", "watch"),
            rule("events.k8s.io", "events", "create"),
            rule("tekton.dev", "pipelineruns", "get"));
    URI api = serve(client, client, FixtureMatcher.advisories(), List.of(), 1 << 20);
    ObjectNode body = body();
    ObjectNode tekton = body.putObject("tekton");
    tekton.put("pipelineRun", "build-1");
    tekton.put("pipelineRunUid", run.getMetadata().getUid());
    tekton.put("pipeline", "build-and-deploy");

    Reply r = submit(api, ns, token(ns), body);

    // the step gets the verdict (and exits 1 on Fail) although the run could not be stopped
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.body().path("verdict").asText()).isEqualTo("Fail");
    assertThat(r.body().path("stoppedPipelineRun").isNull()).isTrue();
    ScanResult stored = results(ns).getFirst();
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(stored.getStatus().getStoppedPipelineRun()).isNull();
    assertThat(stored.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Constants.CONDITION_PIPELINE_RUN_STOPPED);
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo(GateOutcome.FAILED);
              assertThat(c.getMessage())
                  .startsWith("cannot stop PipelineRun build-1: ")
                  .contains("forbidden");
              assertThat(c.getObservedGeneration()).as("the gate is tried again").isNull();
            });
    assertThat(PipelineRuns.specStatus(admin, ns, "build-1")).isNull();
  }
}
