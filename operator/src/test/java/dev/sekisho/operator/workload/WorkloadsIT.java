package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.operator.vulndb.Rematcher;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.ServerSideTable;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.net.RefusedPort;
import dev.sekisho.testkit.registry.Credentials;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.RegistryAuth;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images in use on a real API server: the operator's watch of pods (objects created directly, their
 * status written through the status subresource; no node runs them) fills {@code status.inUse}, the
 * {@code sekisho.dev/in-use} label and the In-Use column; images running without a ScanResult are
 * pulled from a real registry on 127.0.0.1 with the pod's own pull secrets (or reused from another
 * namespace's scan) and recorded as source kind Workload; an image that cannot be pulled gets
 * verdict Error with the reason; a running image's verdict turning to Fail is an Event on the
 * result and on its Deployment.
 */
@WithKubeApiServer(crds = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WorkloadsIT {
  /** The watch's label selector: only this class's pods (the API server is shared). */
  private static final Map<String, String> WATCHED = Map.of("sekisho-test", "workloads-it");

  private static final Duration WAIT = Duration.ofMinutes(2);

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private TestRegistry open;
  private TestRegistry locked;
  private PushedImage alpine;
  private PushedImage clean;
  private PushedImage layered;
  private RunningOperator operator;

  /** The operator's database: the fixture's advisories, or what a test swaps in (a refresh). */
  private final AtomicReference<VulnMatcher> database = new AtomicReference<>();

  WorkloadsIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    Fixtures fixtures = Fixtures.fromEnvironment();
    open = TestRegistry.start(RegistryAuth.ANONYMOUS);
    alpine = open.push(fixtures.get(FixtureImage.ALPINE));
    locked = TestRegistry.start(RegistryAuth.BASIC);
    clean = locked.push(fixtures.get(FixtureImage.CLEAN));
    layered = locked.push(fixtures.get(FixtureImage.LAYERED));
    database.set(FixtureMatcher.advisories());
    operator =
        RunningOperator.builder(kube, work)
            .matcher(() -> database.get().database())
            .env("SEKISHO_WORKLOADS", "true")
            .env("SEKISHO_WORKLOAD_POD_SELECTOR", "sekisho-test=workloads-it")
            .env(
                "SEKISHO_WORKLOAD_PLAIN_HTTP_REGISTRIES", open.hostPort() + "," + locked.hostPort())
            .env("SEKISHO_WORKLOAD_SCAN_WORKERS", "2")
            .start();
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {operator, open, locked}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  // --- inUse, label, column -------------------------------------------------------------------

  @Test
  void runningPodsFillInUseTheLabelAndTheColumnAndLeaveWithThePods() {
    String ns = kube.createNamespace("in-use");
    String digest = randomDigest();
    ScanResult result = decidedResult(ns, "web-result", "workloads-it.test/web:1", digest);
    assertThat(result.getStatus().getInUse()).isNull();

    Deployment web = deployment(ns, "web");
    ReplicaSet rs = replicaSet(ns, "web-5d4f8", web);
    Pod a =
        runningPod(
            ns,
            "web-5d4f8-a",
            "workloads-it.test/web:1",
            "workloads-it.test/web@" + digest,
            rs,
            null);
    Pod b =
        runningPod(
            ns,
            "web-5d4f8-b",
            "workloads-it.test/web:1",
            "workloads-it.test/web@" + digest,
            rs,
            null);
    Pod debug =
        runningPod(
            ns,
            "debug",
            "workloads-it.test/web@" + digest,
            "workloads-it.test/web@" + digest,
            null,
            null);

    ScanResult inUse =
        awaitResult(
            ns,
            "web-result",
            r -> r.getStatus().getInUse() != null && r.getStatus().getInUse().getPods() == 3);
    InUse in = inUse.getStatus().getInUse();
    assertThat(in.getWorkloadCount()).isEqualTo(2);
    assertThat(in.getWorkloads())
        .extracting(WorkloadUse::getKind, WorkloadUse::getName, WorkloadUse::getPods)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Deployment", "web", 2),
            org.assertj.core.groups.Tuple.tuple("Pod", "debug", 1));
    awaitResult(ns, "web-result", r -> "true".equals(label(r)));
    assertThat(
            admin
                .resources(ScanResult.class)
                .inNamespace(ns)
                .withLabel(Constants.LABEL_IN_USE, "true")
                .list()
                .getItems())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("web-result");
    ServerSideTable table =
        ServerSideTable.get(kube, "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults");
    assertThat(table.row(0).get(table.columns().indexOf("In-Use"))).isEqualTo("3");

    // a finished pod no longer counts; deleted pods neither
    debug.setStatus(new PodStatusBuilder(debug.getStatus()).withPhase("Succeeded").build());
    admin.pods().inNamespace(ns).resource(debug).updateStatus();
    awaitResult(
        ns,
        "web-result",
        r -> r.getStatus().getInUse() != null && r.getStatus().getInUse().getPods() == 2);
    admin.pods().inNamespace(ns).resource(a).delete();
    admin.pods().inNamespace(ns).resource(b).delete();
    ScanResult unused =
        awaitResult(ns, "web-result", r -> r.getStatus().getInUse() == null && label(r) == null);
    assertThat(unused.getStatus().getVerdict()).isNotNull();
    // the image had a result: nothing was scanned
    assertThat(workloadResults(ns)).isEmpty();
  }

  // --- scans of running images ----------------------------------------------------------------

  @Test
  void anImageRunningWithoutAResultIsPulledScannedAndRecordedAsAWorkload() {
    String ns = kube.createNamespace("scan-open");
    Deployment shop = deployment(ns, "shop");
    ReplicaSet rs = replicaSet(ns, "shop-7c9", shop);
    runningPod(ns, "shop-7c9-a", alpine.tagReference(), alpine.digestReference(), rs, null);

    ScanResult r = awaitWorkloadResult(ns, digestOf(alpine));
    assertThat(ResultEvaluator.scanError(r)).isNull();
    assertThat(r.getSpec().getSource().getKind()).isEqualTo(ScanSource.KIND_WORKLOAD);
    assertThat(r.getSpec().getSource().getNamespace()).isEqualTo(ns);
    assertThat(r.getSpec().getSource().getWorkload().getKind()).isEqualTo("Deployment");
    assertThat(r.getSpec().getSource().getWorkload().getName()).isEqualTo("shop");
    assertThat(r.getSpec().getImage()).isEqualTo(alpine.tagReference());
    assertThat(r.getSpec().getStoreKey()).isEqualTo(ns + "/" + r.getMetadata().getName());
    assertThat(r.getSpec().getOs().getName()).containsIgnoringCase("alpine");
    assertThat(r.getSpec().getSummary().getPackages()).isPositive();
    ScanResult decided =
        awaitResult(
            ns,
            r.getMetadata().getName(),
            // the label is patched right after the status is written
            x ->
                x.getStatus().getVerdict() != null
                    && x.getStatus().getInUse() != null
                    && "true".equals(label(x)));
    assertThat(decided.getStatus().getVerdict()).isNotEqualTo(Verdict.Error);
    assertThat(decided.getStatus().getInUse().getPods()).isEqualTo(1);
  }

  @Test
  void aPrivateImageIsPulledWithThePodsOwnSecretsOnly() {
    Credentials creds = locked.credentials().orElseThrow();
    // the pod's own pull secret
    String withSecret = kube.createNamespace("scan-secret");
    pullSecret(withSecret, "regcred", creds);
    runningPod(
        withSecret, "app", clean.tagReference(), clean.digestReference(), null, List.of("regcred"));
    // the ServiceAccount's pull secret
    String withAccount = kube.createNamespace("scan-account");
    pullSecret(withAccount, "sa-regcred", creds);
    admin
        .serviceAccounts()
        .inNamespace(withAccount)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("puller")
                .endMetadata()
                .withImagePullSecrets(new LocalObjectReference("sa-regcred"))
                .build())
        .create();
    Pod viaAccount =
        new PodBuilder(podSpec(withAccount, "app", layered.tagReference(), null, null))
            .editSpec()
            .withServiceAccountName("puller")
            .endSpec()
            .build();
    setRunning(
        admin.pods().inNamespace(withAccount).resource(viaAccount).create(),
        layered.tagReference(),
        layered.digestReference());
    ScanResult scanned = awaitWorkloadResult(withSecret, digestOf(clean));
    assertThat(ResultEvaluator.scanError(scanned)).isNull();
    assertThat(scanned.getSpec().getStoreKey()).isNotNull();
    ScanResult viaSa = awaitWorkloadResult(withAccount, digestOf(layered));
    assertThat(ResultEvaluator.scanError(viaSa)).isNull();

    // a namespace without any secret running a digest scanned elsewhere: that scan is reused
    // (nothing is pulled, so no credentials are needed; the registry would refuse this pod)
    String without = kube.createNamespace("scan-reuse");
    runningPod(without, "app", layered.tagReference(), layered.digestReference(), null, null);
    ScanResult reused = awaitWorkloadResult(without, digestOf(layered));
    assertThat(ResultEvaluator.scanError(reused)).isNull();
    assertThat(reused.getSpec().getStoreKey())
        .isEqualTo(without + "/" + reused.getMetadata().getName());
    assertThat(reused.getSpec().getSummary().getPackages())
        .isEqualTo(viaSa.getSpec().getSummary().getPackages());
  }

  @Test
  void withoutAPullSecretAPrivateImageIsAnErrorWithTheReason() {
    // a digest no other namespace has a scan of: the pull itself must be refused
    PushedImage privateOnly =
        locked.push(Fixtures.fromEnvironment().get(FixtureImage.MISCONFIGURED));
    String ns = kube.createNamespace("scan-refused");
    runningPod(ns, "app", privateOnly.tagReference(), privateOnly.digestReference(), null, null);

    ScanResult r = awaitWorkloadResult(ns, digestOf(privateOnly));
    assertThat(ResultEvaluator.scanError(r)).isNotBlank();
    assertThat(r.getSpec().getStoreKey()).isNull();
    ScanResult error =
        awaitResult(
            ns, r.getMetadata().getName(), x -> x.getStatus().getVerdict() == Verdict.Error);
    var condition =
        ResultEvaluator.condition(error.getStatus(), Constants.CONDITION_EVALUATED).orElseThrow();
    assertThat(condition.getReason()).isEqualTo("ScanFailed");
    assertThat(condition.getMessage()).contains("cannot scan image " + privateOnly.tagReference());
    assertThat(condition.getMessage()).contains(ResultEvaluator.scanError(r));
  }

  @Test
  void anUnreachableRegistryIsAnErrorWithTheReason() {
    String ns = kube.createNamespace("scan-unreachable");
    String digest = randomDigest();
    try (RefusedPort refused = RefusedPort.open()) {
      String repo = "127.0.0.1:" + refused.port() + "/gone/app";
      runningPod(ns, "app", repo + ":1", repo + "@" + digest, null, null);
      ScanResult r = awaitWorkloadResult(ns, digest);
      assertThat(ResultEvaluator.scanError(r)).contains("127.0.0.1:" + refused.port());
      awaitResult(ns, r.getMetadata().getName(), x -> x.getStatus().getVerdict() == Verdict.Error);
    }
  }

  // --- re-evaluation ---------------------------------------------------------------------------

  @Test
  void aRunningImageTurningToFailIsAnEventOnTheResultAndItsDeployment() {
    String ns = kube.createNamespace("turns-fail");
    String digest = randomDigest();
    ScanResult result = decidedResult(ns, "api-result", "workloads-it.test/api:1", digest);
    assertThat(result.getStatus().getVerdict()).isNotEqualTo(Verdict.Fail);
    Deployment api = deployment(ns, "api");
    ReplicaSet rs = replicaSet(ns, "api-6b7", api);
    runningPod(
        ns, "api-6b7-a", "workloads-it.test/api:1", "workloads-it.test/api@" + digest, rs, null);
    awaitResult(ns, "api-result", r -> r.getStatus().getInUse() != null);

    // a policy that fails the image's registry: the verdict turns to Fail while it runs
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    spec.setAllowedRegistries(List.of("trusted.example"));
    ScanPolicy policy = new ScanPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("trusted-only").withNamespace(ns).build());
    policy.setSpec(spec);
    admin.resource(policy).create();

    awaitResult(ns, "api-result", r -> r.getStatus().getVerdict() == Verdict.Fail);
    Awaiting.until(
        "RunningImageFails Events on the ScanResult and the Deployment",
        WAIT,
        () -> {
          List<Event> events = runningImageFails(ns);
          return events.stream().anyMatch(e -> "ScanResult".equals(e.getRegarding().getKind()))
              && events.stream().anyMatch(e -> "Deployment".equals(e.getRegarding().getKind()));
        });
    Event onDeployment =
        runningImageFails(ns).stream()
            .filter(e -> "Deployment".equals(e.getRegarding().getKind()))
            .findFirst()
            .orElseThrow();
    assertThat(onDeployment.getRegarding().getName()).isEqualTo("api");
    assertThat(onDeployment.getRegarding().getUid()).isEqualTo(api.getMetadata().getUid());
    assertThat(onDeployment.getType()).isEqualTo("Warning");
    assertThat(onDeployment.getNote()).contains("workloads-it.test/api:1").contains("api-result");
  }

  @Test
  void afterADatabaseRefreshANewAdvisoryTurnsARunningImageToFailWithEvents() throws Exception {
    String ns = kube.createNamespace("refresh");
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy policy = new ScanPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("no-high").withNamespace(ns).build());
    policy.setSpec(spec);
    admin.resource(policy).create();
    Deployment cache = deployment(ns, "cache");
    ReplicaSet rs = replicaSet(ns, "cache-4f2", cache);
    try {
      database.set(FixtureMatcher.of(advisories("[]")));
      runningPod(ns, "cache-4f2-a", alpine.tagReference(), alpine.digestReference(), rs, null);
      ScanResult scanned = awaitWorkloadResult(ns, digestOf(alpine));
      String name = scanned.getMetadata().getName();
      awaitResult(
          ns,
          name,
          r -> r.getStatus().getVerdict() == Verdict.Pass && r.getStatus().getInUse() != null);

      // the refresh brings a High advisory for a package the running image has
      ScanReport report = operator.operator().store().get(ns + "/" + name).orElseThrow();
      var pkg = report.packages().getFirst();
      database.set(
          FixtureMatcher.of(
              advisories(
                  "[{\"id\":\"CVE-2099-0001\",\"osFamily\":\""
                      + report.os().family()
                      + "\",\"package\":\""
                      + pkg.sourceNameOrName()
                      + "\",\"versions\":[\""
                      + pkg.version()
                      + "\"],\"severity\":\"High\",\"published\":\"2099-01-01T00:00:00Z\"}]")));
      new Rematcher(
              admin, operator.operator().store(), database.get(), operator.operator().results())
          .run();

      awaitResult(ns, name, r -> r.getStatus().getVerdict() == Verdict.Fail);
      Awaiting.until(
          "RunningImageFails Events on the ScanResult and the Deployment after the refresh",
          WAIT,
          () -> {
            List<Event> events = runningImageFails(ns);
            return events.stream().anyMatch(e -> name.equals(e.getRegarding().getName()))
                && events.stream()
                    .anyMatch(
                        e ->
                            "Deployment".equals(e.getRegarding().getKind())
                                && "cache".equals(e.getRegarding().getName()));
          });
    } finally {
      database.set(FixtureMatcher.advisories());
    }
  }

  private static String advisories(String list) {
    return "{\"version\":\"1:test\",\"built\":\"2099-01-01T00:00:00Z\",\"advisories\":"
        + list
        + "}";
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<Event> runningImageFails(String ns) {
    return admin.events().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "RunningImageFails".equals(e.getReason()))
        .toList();
  }

  private static String randomDigest() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return "sha256:" + HexFormat.of().formatHex(b);
  }

  private static String digestOf(PushedImage image) {
    String ref = image.digestReference();
    return ref.substring(ref.lastIndexOf('@') + 1);
  }

  private static String label(ScanResult r) {
    return r.getMetadata().getLabels() == null
        ? null
        : r.getMetadata().getLabels().get(Constants.LABEL_IN_USE);
  }

  /** A ScanResult created by hand and decided by the reconciler (so it is in its cache). */
  private ScanResult decidedResult(String ns, String name, String image, String digest) {
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.getSpec().setImage(image);
    r.getSpec().setDigest(digest);
    r.getSpec().setPlatform("linux/amd64");
    admin.resource(r).create();
    return awaitResult(ns, name, x -> x.getStatus() != null && x.getStatus().getVerdict() != null);
  }

  private ScanResult awaitResult(
      String ns, String name, java.util.function.Predicate<ScanResult> test) {
    ScanResult[] seen = {null};
    Awaiting.until(
        "ScanResult " + ns + "/" + name + " as expected",
        WAIT,
        () -> {
          seen[0] = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
          return seen[0] != null && seen[0].getStatus() != null && test.test(seen[0]);
        });
    return seen[0];
  }

  private List<ScanResult> workloadResults(String ns) {
    return admin.resources(ScanResult.class).inNamespace(ns).list().getItems().stream()
        .filter(r -> r.getSpec().getSource() != null && r.getSpec().getSource().isWorkload())
        .toList();
  }

  private ScanResult awaitWorkloadResult(String ns, String digest) {
    ScanResult[] seen = {null};
    Awaiting.until(
        "a ScanResult of kind Workload for " + digest + " in " + ns,
        WAIT,
        () -> {
          Optional<ScanResult> r =
              workloadResults(ns).stream()
                  .filter(x -> digest.equals(x.getSpec().getDigest()))
                  .findFirst();
          r.ifPresent(x -> seen[0] = x);
          return r.isPresent();
        });
    return seen[0];
  }

  private void pullSecret(String ns, String name, Credentials creds) {
    String auth =
        Base64.getEncoder().encodeToString(creds.colonForm().getBytes(StandardCharsets.UTF_8));
    String config = "{\"auths\":{\"" + locked.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}";
    admin
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(
                    Map.of(
                        ".dockerconfigjson",
                        Base64.getEncoder()
                            .encodeToString(config.getBytes(StandardCharsets.UTF_8))))
                .build())
        .create();
  }

  private static PodTemplateSpec template(String app) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("app", app))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("workloads-it.test/" + app + ":1")
        .endContainer()
        .endSpec()
        .build();
  }

  private Deployment deployment(String ns, String name) {
    return admin
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(Map.of("app", name))
                .endSelector()
                .withTemplate(template(name))
                .endSpec()
                .build())
        .create();
  }

  private ReplicaSet replicaSet(String ns, String name, Deployment owner) {
    String app = owner.getMetadata().getName();
    return admin
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withOwnerReferences(controllerOf(owner))
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(Map.of("app", app))
                .endSelector()
                .withTemplate(template(app))
                .endSpec()
                .build())
        .create();
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference controllerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }

  private static Pod podSpec(
      String ns, String name, String image, ReplicaSet owner, List<String> pullSecrets) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withLabels(WATCHED)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(controllerOf(owner)).endMetadata();
    }
    if (pullSecrets != null) {
      b.editSpec()
          .withImagePullSecrets(pullSecrets.stream().map(LocalObjectReference::new).toList())
          .endSpec();
    }
    return b.build();
  }

  /** A pod created and set Running with its container's runtime image id, as the kubelet would. */
  private Pod runningPod(
      String ns,
      String name,
      String image,
      String imageId,
      ReplicaSet owner,
      List<String> pullSecrets) {
    Pod created =
        admin
            .pods()
            .inNamespace(ns)
            .resource(podSpec(ns, name, image, owner, pullSecrets))
            .create();
    return setRunning(created, image, imageId);
  }

  private Pod setRunning(Pod pod, String image, String imageId) {
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withImage(image)
                    .withImageID(imageId)
                    .withReady(true)
                    .withRestartCount(0)
                    .build())
            .build());
    return admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
  }
}
