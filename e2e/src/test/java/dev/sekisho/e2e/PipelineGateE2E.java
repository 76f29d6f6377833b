package dev.sekisho.e2e;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.ClusterScanPolicySpec;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.OperatorConfig;
import dev.sekisho.operator.SekishoOperator;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.vulndb.DatabaseHolder;
import dev.sekisho.operator.vulndb.DatabaseManager;
import dev.sekisho.operator.vulndb.Rematcher;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.testkit.SekishoIntegrationTest;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.SekishoCrds;
import dev.sekisho.testkit.kube.ServerSideTable;
import dev.sekisho.testkit.net.RefusedPort;
import dev.sekisho.testkit.node.NodeAgent;
import dev.sekisho.testkit.node.RanContainer;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.TestRegistry;
import dev.sekisho.testkit.tekton.TektonController;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mission end to end: a failing image stops the PipelineRun before the deploy task starts.
 *
 * <p>Real: the kube-apiserver and etcd; Tekton Pipelines' own controller (v1.6.0, built from its Go
 * module) with its CRDs and configuration, which resolves the Pipelines, walks their DAG, creates
 * the TaskRuns and Pods, and cancels; the Sekisho operator (scan API over TLS with TokenReview and
 * SubjectAccessReview, policy engine, ScanResult reconciler, PipelineRun gate) with a vulnerability
 * database compiled from a generated OSV archive; the {@code scan-image} Task exactly as shipped in
 * {@code manifests/tekton/scan-image.yaml}, whose step runs the CLI from this build ({@code
 * task-image/target/sekisho.jar}) against fixture images in a real OCI registry.
 *
 * <p>Emulated: the kubelet, by {@link NodeAgent}, which runs the Pods Tekton creates as processes
 * on this machine (see its documentation for what it does and does not do); and the build and
 * deploy tasks, which are shell scripts that report what they would have built and rolled out.
 */
@SekishoIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineGateE2E {
  /** The ConfigMap the operator publishes its CA in, which the shipped Task mounts. */
  private static final String SCAN_API_CA = "sekisho-scan-api-ca";

  private static final Logger log = LoggerFactory.getLogger(PipelineGateE2E.class);

  private static final String PIPELINE_SA = "pipeline";
  private static final String POLICY_LABEL = "e2e.sekisho.dev/policy";
  private static final String STEP_IMAGE = "ghcr.io/sekisho/sekisho-task";
  private static final String CVE_OPENSSL = "CVE-2099-3001";
  private static final String CVE_ZLIB = "CVE-2099-3002";
  // Generous: on a busy machine each JVM step takes a while; the bound only ends a hung test.
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final TestRegistry registry;
  private final Fixtures fixtures;
  private SekishoOperator operator;
  private DatabaseManager databases;
  private TektonController tekton;
  private NodeAgent node;
  private PushedImage clean;
  private PushedImage vulnerable;

  PipelineGateE2E(KubeApiServer kube, TestRegistry registry, Fixtures fixtures) {
    this.kube = kube;
    this.admin = kube.adminClient();
    this.registry = registry;
    this.fixtures = fixtures;
  }

  /**
   * Alpine 3.20 advisories matching the ALPINE fixture: openssl (origin of libcrypto3 and libssl3)
   * critical, zlib high; the CLEAN fixture has no packages they affect.
   */
  private static List<OsvFixtures.Rec> advisories() {
    return List.of(
        rec("ALPINE-" + CVE_OPENSSL)
            .upstream(CVE_OPENSSL)
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected("Alpine:v3.20", "openssl", List.of("i:0", "f:3.3.1-r0"), null),
        rec("ALPINE-" + CVE_ZLIB)
            .upstream(CVE_ZLIB)
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null));
  }

  @BeforeAll
  void startTheSystem(@TempDir Path setup) throws Exception {
    Path target = Path.of("target", "e2e").toAbsolutePath();
    Files.createDirectories(target);

    // Tekton first: its CRDs include the PipelineRun the operator watches.
    tekton =
        TektonController.builder(kube).logFile(target.resolve("tekton-controller.log")).start();

    Path bundle = Files.createDirectories(setup.resolve("bundle"));
    Files.write(bundle.resolve("Alpine-all.zip"), OsvFixtures.zip(advisories(), Map.of()));
    // No certificate is mounted: the operator issues its own, as on a cluster without cert-manager
    // or OpenShift's service CA, and publishes its CA in the ConfigMap sekisho-scan-api-ca of every
    // namespace. The shipped Task mounts that ConfigMap (an optional configMap volume the node
    // agent fills), so the step trusts the scan API with no --server-ca.
    String leaseNs = kube.createNamespace("sekisho-system");
    OperatorConfig config =
        OperatorConfig.fromEnv(
            Map.of(
                "SEKISHO_NAMESPACE",
                leaseNs,
                "SEKISHO_STORE_DIR",
                setup.resolve("store").toString(),
                "SEKISHO_API_PORT",
                "0",
                "SEKISHO_API_TLS_HOSTS",
                "127.0.0.1,localhost",
                "SEKISHO_EXIT_ON_LOST_LEASE",
                "false",
                "SEKISHO_DB_BUNDLE",
                bundle.toString()));
    DatabaseHolder holder = new DatabaseHolder();
    operator =
        new SekishoOperator(
            config,
            admin,
            holder,
            null,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            InetAddress.getLoopbackAddress(),
            "e2e");
    operator.start();
    databases =
        new DatabaseManager(
            config,
            holder,
            new DatabaseUpdater(),
            () -> Optional.of(new Rematcher(admin, operator.store(), holder, operator.results())),
            new SimpleMeterRegistry());
    databases.refresh();
    assertThat(holder.database()).as("the operator's vulnerability database").isPresent();
    Awaiting.until(
        "the operator holds its leader-election Lease",
        () -> admin.leases().inNamespace(leaseNs).withName(config.leaseName()).get() != null);

    Path jar = SekishoCrds.repositoryRoot().resolve("task-image/target/sekisho.jar");
    assertThat(jar)
        .as("the CLI jar; build it with hack/mvn -q -B package -DskipTests -pl task-image -am")
        .isRegularFile();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    node =
        NodeAgent.builder(admin)
            .nodeName("e2e-node")
            .workDir(Files.createDirectories(target.resolve("node")))
            .stepImage(STEP_IMAGE, List.of(java, "-jar", jar.toString()))
            .start();

    clean = registry.push(fixtures.get(FixtureImage.CLEAN));
    vulnerable = registry.push(fixtures.get(FixtureImage.ALPINE));
    clusterPolicy("e2e-enforce", "enforce", PolicyAction.Enforce);
    clusterPolicy("e2e-warn", "warn", PolicyAction.Warn);
  }

  @AfterAll
  void stopTheSystem() throws Exception {
    // the node first, so no step outlives the servers it talks to
    if (node != null) {
      node.close();
    }
    if (tekton != null) {
      tekton.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (databases != null) {
      databases.close();
    }
  }

  // --- the five scenarios ----------------------------------------------------------------------

  @Test
  void aCleanImagePassesAndIsDeployed() throws Exception {
    String ns = pipelineNamespace("e2e-clean", "enforce");

    GenericKubernetesResource run =
        runPipeline(ns, "release-clean", "build-scan-deploy", clean, scanApi());

    assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "True");
    GenericKubernetesResource scan = taskRun(ns, "release-clean", "scan").orElseThrow();
    assertThat(results(scan)).containsEntry("VERDICT", "Pass");
    GenericKubernetesResource deploy = taskRun(ns, "release-clean", "deploy").orElseThrow();
    assertThat(succeeded(deploy)).containsEntry("status", "True");
    assertThat(results(deploy))
        .as("deploy rolled out the scanned digest")
        .containsEntry("DEPLOYED", clean.tagReference() + "@" + digestOf(clean));

    ScanResult result = scanResult(ns, results(scan).get("SCAN_RESULT"));
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Pass);
    assertThat(result.getSpec().getDigest()).isEqualTo(digestOf(clean));
    assertThat(result.getSpec().getSource().getPipelineRun()).isEqualTo("release-clean");
    assertThat(result.getSpec().getSource().getPipelineRunUid())
        .isEqualTo(run.getMetadata().getUid());
    assertThat(result.getSpec().getSource().getServiceAccount()).isEqualTo(ns + "/" + PIPELINE_SA);
    assertThat(specStatus(run)).isNull();
  }

  @Test
  void aVulnerableImageUnderAnEnforcePolicyStopsThePipelineRunBeforeDeploy() throws Exception {
    String ns = pipelineNamespace("e2e-enforce", "enforce");

    GenericKubernetesResource run =
        runPipeline(ns, "release-bad", "build-scan-deploy", vulnerable, scanApi());

    Map<String, Object> condition = succeeded(run);
    assertThat(condition).as(describe(ns, run)).containsEntry("status", "False");

    // The scan step waits for the scan API's answer, and the operator stops the run before it
    // answers: the run is cancelled by the operator, whatever Tekton saw first.
    assertThat(specStatus(run)).isEqualTo(PipelineRunGate.CANCELLED_RUN_FINALLY);
    GenericKubernetesResource scan = taskRun(ns, "release-bad", "scan").orElseThrow();
    Map<String, Object> scanCondition = succeeded(scan);
    assertThat(scanCondition).containsEntry("status", "False");
    // Tekton names the run's end after its tasks: Failed when the scan TaskRun ended failed (its
    // step exited 1 before the cancellation reached it), Cancelled when the cancellation caught
    // the scan TaskRun first.
    if ("TaskRunCancelled".equals(scanCondition.get("reason"))) {
      assertThat(condition)
          .containsEntry("reason", "Cancelled")
          .containsEntry("message", "PipelineRun \"release-bad\" was cancelled");
    } else {
      assertThat(scanCondition).as(describe(ns, run)).containsEntry("reason", "Failed");
      assertThat(condition).containsEntry("reason", "Failed");
      assertThat((String) condition.get("message")).contains("Failed: 1");
    }
    assertThat(taskRun(ns, "release-bad", "deploy"))
        .as("the deploy TaskRun was never created")
        .isEmpty();
    assertThat(node.ranSteps())
        .as("no deploy step ran on the node")
        .noneMatch(s -> s.namespace().equals(ns) && s.pod().contains("deploy"));

    // finally still runs, and sees the failure
    GenericKubernetesResource notify = taskRun(ns, "release-bad", "notify").orElseThrow();
    assertThat(succeeded(notify)).containsEntry("status", "True");
    assertThat(results(notify).get("SUMMARY")).contains("scan Failed");

    // the reason, as `kubectl get scanresults` shows it
    List<ScanResult> stored = admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
    assertThat(stored).hasSize(1);
    ScanResult result = stored.getFirst();
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(result.getStatus().getDecidingPolicy()).isEqualTo("ClusterScanPolicy/e2e-enforce");
    assertThat(result.getStatus().getViolations())
        .extracting(Violation::getFindingId)
        .containsOnly(CVE_OPENSSL, CVE_ZLIB);
    ServerSideTable table =
        ServerSideTable.get(kube, "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults");
    assertThat(table.row(0).get(table.columns().indexOf("Verdict"))).isEqualTo("Fail");
    log.info("kubectl get scanresults -n {}: {} {}", ns, table.columns(), table.row(0));

    // The operator stopped the run (so an ignored exit code would not deploy either), and says
    // so on the run and on the result.
    assertThat(run.getMetadata().getAnnotations())
        .containsEntry(PipelineRunGate.STOPPED_BY, result.getMetadata().getName());
    assertThat(result.getStatus().getStoppedPipelineRun()).isEqualTo("release-bad");
    assertThat(result.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Constants.CONDITION_PIPELINE_RUN_STOPPED);
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void aWarnPolicyLetsTheDeployRunAndRecordsWarn() throws Exception {
    String ns = pipelineNamespace("e2e-warn", "warn");

    GenericKubernetesResource run =
        runPipeline(ns, "release-warn", "build-scan-deploy", vulnerable, scanApi());

    assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "True");
    GenericKubernetesResource scan = taskRun(ns, "release-warn", "scan").orElseThrow();
    assertThat(results(scan)).containsEntry("VERDICT", "Warn");
    assertThat(results(taskRun(ns, "release-warn", "deploy").orElseThrow()))
        .containsEntry("DEPLOYED", vulnerable.tagReference() + "@" + digestOf(vulnerable));
    ScanResult result = scanResult(ns, results(scan).get("SCAN_RESULT"));
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Warn);
    assertThat(result.getStatus().getViolations())
        .extracting(Violation::getFindingId)
        .containsOnly(CVE_OPENSSL, CVE_ZLIB);
    assertThat(result.getStatus().getStoppedPipelineRun()).isNull();
    assertThat(specStatus(run)).isNull();
  }

  @Test
  void aPipelineThatIgnoresTheScanExitCodeIsStillStoppedByTheOperator() throws Exception {
    String ns = pipelineNamespace("e2e-tampered", "enforce");
    // The shipped Task, with the scan step told to carry on whatever its exit code.
    GenericKubernetesResource tampered = scanImageTask();
    tampered.getMetadata().setName("scan-image-tampered");
    stepsOf(tampered).getFirst().put("onError", "continue");
    tampered.getMetadata().setNamespace(ns);
    admin.resource(tampered).create();

    // Clocks for the gate: when the ScanResult appears and when the PipelineRun is stopped, both
    // as this test observes them through watches on the API server.
    AtomicLong resultSeen = new AtomicLong();
    AtomicLong stopSeen = new AtomicLong();
    AtomicReference<Instant> stopSeenAt = new AtomicReference<>();
    try (Watch results =
            admin
                .resources(ScanResult.class)
                .inNamespace(ns)
                .watch(firstEvent(resultSeen, r -> true));
        Watch runs =
            admin
                .genericKubernetesResources("tekton.dev/v1", "PipelineRun")
                .inNamespace(ns)
                .watch(
                    firstEvent(
                        stopSeen,
                        pr -> {
                          boolean stopped = specStatus(pr) != null;
                          if (stopped) {
                            stopSeenAt.compareAndSet(null, Instant.now());
                          }
                          return stopped;
                        }))) {

      GenericKubernetesResource run =
          runPipeline(ns, "release-tampered", "build-scan-deploy-tampered", vulnerable, scanApi());

      // The tampered scan task never fails by itself: it either succeeded (its step's exit code
      // 1 ignored) or the gate's cancellation caught it before Tekton saw the step end.
      GenericKubernetesResource scan = taskRun(ns, "release-tampered", "scan").orElseThrow();
      assertThat((String) succeeded(scan).get("reason"))
          .as(describe(ns, run))
          .isIn("Succeeded", "TaskRunCancelled");
      List<ScanResult> stored = admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
      assertThat(stored).hasSize(1);
      ScanResult result = stored.getFirst();
      assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
      // The operator stopped the run: its spec.status, annotated with the failing ScanResult.
      assertThat(specStatus(run)).isEqualTo(PipelineRunGate.CANCELLED_RUN_FINALLY);
      assertThat(run.getMetadata().getAnnotations())
          .containsEntry(PipelineRunGate.STOPPED_BY, result.getMetadata().getName());
      assertThat(result.getStatus().getStoppedPipelineRun()).isEqualTo("release-tampered");
      assertThat(succeeded(run))
          .containsEntry("status", "False")
          .containsEntry("reason", "Cancelled");
      assertThat(taskRun(ns, "release-tampered", "deploy"))
          .as("the deploy TaskRun was never created")
          .isEmpty();
      GenericKubernetesResource slow =
          taskRun(ns, "release-tampered", "integration-tests").orElseThrow();
      assertThat(succeeded(slow))
          .as("the slow task was cancelled, not finished")
          .containsEntry("status", "False");
      assertThat(succeeded(taskRun(ns, "release-tampered", "notify").orElseThrow()))
          .containsEntry("status", "True");

      Instant scanStepEnded =
          node.ranSteps().stream()
              .filter(s -> s.namespace().equals(ns) && s.container().equals("step-scan"))
              .map(RanContainer::finishedAt)
              .findFirst()
              .orElseThrow();
      assertThat(resultSeen.get()).isPositive();
      assertThat(stopSeen.get()).isPositive();
      long gateMillis = (stopSeen.get() - resultSeen.get()) / 1_000_000;
      // Recorded, not asserted: it depends on the machine. docs/e2e.md explains the number.
      long sinceStepMillis = Duration.between(scanStepEnded, stopSeenAt.get()).toMillis();
      String timing =
          "gate: PipelineRun stopped (spec.status=CancelledRunFinally) "
              + gateMillis
              + " ms after the ScanResult appeared, "
              + (sinceStepMillis >= 0
                  ? sinceStepMillis + " ms after the scan step exited"
                  : -sinceStepMillis + " ms before the scan step had even exited");
      log.info("{}: {}", ns, timing);
      Files.writeString(Path.of("target", "e2e", "gate-timing.txt"), timing + "\n");
    }
  }

  @Test
  void anUnavailableOperatorFailsTheScanClosed() throws Exception {
    String ns = pipelineNamespace("e2e-down", "enforce");
    // refused for the whole test: a port closed again could be taken by another process
    try (RefusedPort refused = RefusedPort.open()) {
      String down = refused.url("https");

      GenericKubernetesResource run =
          runPipeline(ns, "release-down", "build-scan-deploy", vulnerable, down, "--server-wait=3");

      assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "False");
      GenericKubernetesResource scan = taskRun(ns, "release-down", "scan").orElseThrow();
      assertThat(succeeded(scan)).containsEntry("status", "False");
      assertThat((String) succeeded(scan).get("message"))
          .contains("\"step-scan\" exited with code 3");
      assertThat(taskRun(ns, "release-down", "deploy")).isEmpty();
      List<RanContainer> scanSteps =
          node.ranSteps().stream()
              .filter(
                  s ->
                      s.namespace().equals(ns)
                          && s.pod().startsWith("release-down-scan")
                          && s.container().equals("step-scan"))
              .toList();
      assertThat(scanSteps).hasSize(1);
      assertThat(scanSteps.getFirst().exitCode()).isEqualTo(3);
      assertThat(Files.readString(scanSteps.getFirst().output()))
          .contains("cannot reach the Sekisho scan API at " + down)
          .contains("is the operator running?")
          .contains("retrying in")
          .contains("--server-wait");
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();

      // Configurable: with --fail-open the step lets the pipeline go on, says so, and records
      // VERDICT=Error, so the run shows that the image was never checked.
      GenericKubernetesResource open =
          runPipeline(
              ns,
              "release-down-open",
              "build-scan-deploy",
              vulnerable,
              down,
              "--fail-open",
              "--server-wait=0");

      assertThat(succeeded(open)).as(describe(ns, open)).containsEntry("status", "True");
      GenericKubernetesResource openScan = taskRun(ns, "release-down-open", "scan").orElseThrow();
      assertThat(results(openScan)).containsEntry("VERDICT", "Error");
      assertThat(taskRun(ns, "release-down-open", "deploy")).isPresent();
      RanContainer openStep =
          node.ranSteps().stream()
              .filter(
                  s ->
                      s.namespace().equals(ns)
                          && s.pod().startsWith("release-down-open-scan")
                          && s.container().equals("step-scan"))
              .findFirst()
              .orElseThrow();
      assertThat(openStep.exitCode()).isZero();
      assertThat(Files.readString(openStep.output())).contains("the image was NOT checked");
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
    }
  }

  // --- set-up helpers ------------------------------------------------------------------------

  private String scanApi() {
    return "https://127.0.0.1:" + operator.apiAddress().getPort();
  }

  private void clusterPolicy(String name, String label, PolicyAction action) {
    ClusterScanPolicySpec spec = new ClusterScanPolicySpec();
    spec.setAction(action);
    spec.setNamespaceSelector(
        new LabelSelectorBuilder().addToMatchLabels(POLICY_LABEL, label).build());
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ClusterScanPolicy policy = new ClusterScanPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).build());
    policy.setSpec(spec);
    admin.resource(policy).create();
  }

  /**
   * A namespace as a team would set it up: labelled for a cluster policy, the {@code pipeline}
   * ServiceAccount with the RoleBinding of {@code manifests/examples/rbac-pipeline-submit.yaml},
   * the shipped scan-image Task, and the test's pipelines and stand-in tasks.
   */
  private String pipelineNamespace(String prefix, String policy) throws IOException {
    String ns = kube.createNamespace(prefix, Map.of(POLICY_LABEL, policy));
    kube.ensureServiceAccount(ns, PIPELINE_SA);
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("sekisho-scan-submitter")
                .withNamespace(ns)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups(Constants.GROUP)
                        .withResources("scanresults/submit")
                        .withVerbs("create")
                        .build())
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("pipeline-sekisho-scan-submitter")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "sekisho-scan-submitter")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(PIPELINE_SA)
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    GenericKubernetesResource task = scanImageTask();
    task.getMetadata().setNamespace(ns);
    admin.resource(task).create();
    String pipelines;
    try (InputStream in = PipelineGateE2E.class.getResourceAsStream("/e2e/pipelines.yaml")) {
      pipelines = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (GenericKubernetesResource item : documents(pipelines)) {
      item.getMetadata().setNamespace(ns);
      admin.resource(item).create();
    }
    // the kubelet reads a configMap volume when it starts the pod: wait for the operator's CA
    Awaiting.until(
        "the operator publishes its CA in " + ns,
        () -> admin.configMaps().inNamespace(ns).withName(SCAN_API_CA).get() != null);
    return ns;
  }

  /** The shipped Task, {@code manifests/tekton/scan-image.yaml}, unchanged. */
  private static GenericKubernetesResource scanImageTask() throws IOException {
    return documents(
            Files.readString(
                SekishoCrds.repositoryRoot().resolve("manifests/tekton/scan-image.yaml")))
        .getFirst();
  }

  /**
   * The objects of a multi-document YAML file, untyped: as written, with no model class in between
   * that could drop or default a field.
   */
  private static List<GenericKubernetesResource> documents(String yaml) {
    List<GenericKubernetesResource> items = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        items.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
      }
    }
    return items;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> stepsOf(GenericKubernetesResource task) {
    Map<String, Object> spec = (Map<String, Object>) task.getAdditionalProperties().get("spec");
    return (List<Map<String, Object>>) spec.get("steps");
  }

  /**
   * Creates a PipelineRun of {@code pipeline} for the pushed image and waits until Tekton finishes
   * it (condition Succeeded True or False).
   */
  private GenericKubernetesResource runPipeline(
      String ns,
      String name,
      String pipeline,
      PushedImage image,
      String server,
      String... moreArgs) {
    GenericKubernetesResource pr = new GenericKubernetesResource();
    pr.setApiVersion("tekton.dev/v1");
    pr.setKind("PipelineRun");
    pr.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    // The token path is the CLI's default, named because the node agent maps a pod's volumes
    // only where a path appears in the pod spec (here: the projected ServiceAccount token that
    // the API server's admission added, which the agent fills with a real TokenRequest token).
    // The CA comes from the published ConfigMap the Task mounts (see startTheSystem).
    List<String> extraArgs = new ArrayList<>();
    extraArgs.addAll(
        List.of(
            "--insecure-registry",
            registry.hostPort(),
            "--token-file",
            "/var/run/secrets/kubernetes.io/serviceaccount/token"));
    extraArgs.addAll(List.of(moreArgs));
    pr.setAdditionalProperty(
        "spec",
        Map.of(
            "pipelineRef",
            Map.of("name", pipeline),
            "taskRunTemplate",
            Map.of("serviceAccountName", PIPELINE_SA),
            "params",
            List.of(
                Map.of("name", "image", "value", image.tagReference()),
                Map.of("name", "digest", "value", digestOf(image)),
                Map.of("name", "server", "value", server),
                Map.of("name", "extra-args", "value", extraArgs))));
    admin.resource(pr).create();
    try {
      Awaiting.until(
          "PipelineRun " + ns + "/" + name + " finishes",
          RUN_TIMEOUT,
          () -> {
            Object status = succeeded(pipelineRun(ns, name)).get("status");
            return "True".equals(status) || "False".equals(status);
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + describe(ns, pipelineRun(ns, name)), e);
    }
    GenericKubernetesResource done = pipelineRun(ns, name);
    log.info("PipelineRun {}/{}: {}", ns, name, succeeded(done));
    return done;
  }

  private GenericKubernetesResource pipelineRun(String ns, String name) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", "PipelineRun")
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  /** The TaskRun Tekton created for {@code pipelineTask} of the run, if it did. */
  private Optional<GenericKubernetesResource> taskRun(
      String ns, String pipelineRun, String pipelineTask) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", "TaskRun")
        .inNamespace(ns)
        .withLabel("tekton.dev/pipelineRun", pipelineRun)
        .withLabel("tekton.dev/pipelineTask", pipelineTask)
        .list()
        .getItems()
        .stream()
        .findFirst();
  }

  private ScanResult scanResult(String ns, String name) {
    ScanResult result = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
    assertThat(result).as("ScanResult %s/%s", ns, name).isNotNull();
    return result;
  }

  /** What went on, for a failure message: the run's status, its TaskRuns, the node's steps. */
  private String describe(String ns, GenericKubernetesResource run) {
    StringBuilder out = new StringBuilder();
    out.append("PipelineRun ").append(ns).append('/').append(run.getMetadata().getName());
    out.append(": ").append(succeeded(run)).append('\n');
    for (GenericKubernetesResource tr :
        admin
            .genericKubernetesResources("tekton.dev/v1", "TaskRun")
            .inNamespace(ns)
            .list()
            .getItems()) {
      out.append("  TaskRun ")
          .append(tr.getMetadata().getName())
          .append(": ")
          .append(succeeded(tr))
          .append(" results ")
          .append(results(tr))
          .append('\n');
    }
    List<String> steps = new ArrayList<>();
    node.ranSteps().stream()
        .filter(s -> s.namespace().equals(ns))
        .forEach(s -> steps.add(s.toString()));
    out.append("  steps on the node: ").append(steps).append('\n');
    out.append("  Tekton controller log tail:\n").append(tekton.logTail());
    return out.toString();
  }

  // --- reading Tekton objects ----------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    Object status = r == null ? null : r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> succeeded(GenericKubernetesResource r) {
    if (status(r).get("conditions") instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type"))) {
          return (Map<String, Object>) m;
        }
      }
    }
    return Map.of();
  }

  /** A TaskRun's results as name → string value. */
  private static Map<String, String> results(GenericKubernetesResource taskRun) {
    Map<String, String> values = new java.util.TreeMap<>();
    if (status(taskRun).get("results") instanceof List<?> list) {
      for (Object r : list) {
        if (r instanceof Map<?, ?> m && m.get("value") instanceof String v) {
          values.put((String) m.get("name"), v);
        }
      }
    }
    return values;
  }

  private static String specStatus(GenericKubernetesResource run) {
    return run.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
            && spec.get("status") instanceof String s
        ? s
        : null;
  }

  private static String digestOf(PushedImage pushed) {
    return pushed.digestReference().substring(pushed.digestReference().indexOf('@') + 1);
  }

  /** A watcher that stores the time of the first event whose object passes {@code test}. */
  private static <T> Watcher<T> firstEvent(AtomicLong seen, java.util.function.Predicate<T> test) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (test.test(resource)) {
          seen.compareAndSet(0, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
