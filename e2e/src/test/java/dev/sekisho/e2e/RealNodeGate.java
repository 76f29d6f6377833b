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
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.testkit.cluster.RealCluster;
import dev.sekisho.testkit.cluster.WithRealCluster;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.ServerSideTable;
import dev.sekisho.testkit.registry.PushedImage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mission end to end: a failing image stops the PipelineRun before its deploy task starts, as
 * real pods on a real node ({@link RealCluster}: kubelet, containerd, runc, CNI, kube-proxy,
 * CoreDNS), with Sekisho installed as a user installs it ({@link RealNodeInstall}: the images the
 * build made, the Helm chart, the air-gapped database bundle, the shipped Task). Tekton's
 * controller runs from its Go build with Tekton's own images, so every TaskRun pod is Tekton's real
 * pod: its init containers, its entrypoint wrapping the step, the step's exit code and results
 * through the termination message.
 *
 * <p>The scan step is the task image's {@code sekisho scan}, which pulls the fixture image from the
 * cluster's registry, reaches the operator through its Service ({@code
 * sekisho-scan-api.sekisho-system.svc}, CoreDNS and kube-proxy) over TLS it trusts from the CA
 * ConfigMap the kubelet mounted, with the ServiceAccount token the kubelet projected (the operator
 * checks it with TokenReview). The build, deploy and notify tasks are shell scripts in Tekton's
 * shell image ({@code e2e/pipelines.yaml}).
 *
 * <p>One cluster and one install serve all scenarios; each scenario has its own namespace.
 */
@WithRealCluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
abstract class RealNodeGate {
  static final Logger log = LoggerFactory.getLogger(RealNodeGate.class);

  static final String PIPELINE_SA = "pipeline";
  static final String POLICY_LABEL = "e2e.sekisho.dev/policy";
  static final String SCAN_API_CA = RealNodeInstall.SCAN_API_CA;
  static final String SERVER = "https://sekisho-scan-api.sekisho-system.svc:8443";
  static final String PIPELINES_STEP_IMAGE = "registry.access.redhat.com/ubi9/ubi-minimal:9.4";
  static final String CVE_OPENSSL = "CVE-2099-3001";
  static final String CVE_ZLIB = "CVE-2099-3002";
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

  final RealCluster cluster;
  final KubernetesClient admin;
  RealNodeInstall install;
  PushedImage clean;
  PushedImage vulnerable;

  RealNodeGate(RealCluster cluster) {
    this.cluster = cluster;
    this.admin = cluster.client();
  }

  /**
   * Alpine 3.20 advisories matching the ALPINE fixture: openssl (origin of libcrypto3 and libssl3)
   * critical, zlib high; the CLEAN fixture has no packages they affect.
   */
  static List<OsvFixtures.Rec> advisories() {
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

  /** How this class installs Sekisho (docs/admin-guide.md, "Install"). */
  abstract RealNodeInstall.Kind installKind();

  @BeforeAll
  @Timeout(value = 45, unit = TimeUnit.MINUTES)
  void installAsAUserDoes(@TempDir Path volumes) throws Exception {
    Files.createDirectories(Path.of("target", "e2e"));
    RealNodeInstall.record("real cluster started in " + cluster.startupTime().toSeconds() + " s");
    install = new RealNodeInstall(cluster, volumes, installKind());
    install.install(advisories());
    Fixtures fixtures = Fixtures.fromEnvironment();
    clean = cluster.registry().push(fixtures.get(FixtureImage.CLEAN));
    vulnerable = cluster.registry().push(fixtures.get(FixtureImage.ALPINE));
    clusterPolicy("e2e-real-enforce", "enforce", PolicyAction.Enforce);
    clusterPolicy("e2e-real-warn", "warn", PolicyAction.Warn);
    log.info(
        "real node: cluster start {} s; install {}",
        cluster.startupTime().toSeconds(),
        install.times());
  }

  /**
   * No scenario may leave the operator restarting by itself (a lost leader-election lease, a failed
   * probe): a restart the test did not cause is a defect the emulation could not show.
   */
  @AfterEach
  void theOperatorDidNotRestartByItself() {
    assertThat(install.operatorPods())
        .as("operator pods; logs:\n%s", install.operatorLogTail())
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getContainerStatuses())
                    .allSatisfy(c -> assertThat(c.getRestartCount()).isZero()));
  }

  /** Uninstalls (policies, operator, namespace, cluster-scoped objects, volumes) for the next. */
  @AfterAll
  void uninstall() {
    if (install != null) {
      install.close();
    }
  }

  // --- the scenarios ----------------------------------------------------------------------------

  @Test
  void aCleanImagePassesAndIsDeployed() throws Exception {
    String ns = pipelineNamespace("real-clean", "enforce");

    GenericKubernetesResource run = runPipeline(ns, "release-clean", "build-scan-deploy", clean);

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
    // the operator named the caller from TokenReview of the token the kubelet projected
    assertThat(result.getSpec().getSource().getServiceAccount()).isEqualTo(ns + "/" + PIPELINE_SA);
    assertThat(specStatus(run)).isNull();

    // The pod is the kubelet's: the CA ConfigMap volume and the projected token are mounted by
    // it, the step ran the task image under Tekton's entrypoint as a non-root user.
    Pod pod = podOf(ns, scan);
    assertThat(pod.getSpec().getVolumes())
        .as("the shipped Task's CA volume")
        .anySatisfy(v -> assertThat(configMapName(v)).isEqualTo(SCAN_API_CA));
    assertThat(pod.getSpec().getVolumes())
        .as("the ServiceAccount token projected for the pod")
        .filteredOn(v -> v.getProjected() != null)
        .flatExtracting(v -> v.getProjected().getSources())
        .anySatisfy(s -> assertThat(s.getServiceAccountToken()).isNotNull());
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo(PIPELINE_SA);
    assertThat(pod.getSpec().getNodeName()).isEqualTo(RealCluster.NODE_NAME);
    assertThat(pod.getSpec().getContainers().getFirst().getImage()).isEqualTo(install.taskImage());
    assertThat(stepExitCode(scan, "scan")).isZero();
    assertThat(stepLog(ns, scan, "scan"))
        .as("the step's output, read from the kubelet")
        .contains("Pass");
  }

  @Test
  void aVulnerableImageUnderAnEnforcePolicyStopsThePipelineRunBeforeDeploy() throws Exception {
    String ns = pipelineNamespace("real-enforce", "enforce");

    GenericKubernetesResource run = runPipeline(ns, "release-bad", "build-scan-deploy", vulnerable);

    Map<String, Object> condition = succeeded(run);
    assertThat(condition).as(describe(ns, run)).containsEntry("status", "False");
    assertThat(specStatus(run)).isEqualTo(PipelineRunGate.CANCELLED_RUN_FINALLY);
    GenericKubernetesResource scan = taskRun(ns, "release-bad", "scan").orElseThrow();
    Map<String, Object> scanCondition = succeeded(scan);
    assertThat(scanCondition).containsEntry("status", "False");
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
    assertThat(
            admin
                .pods()
                .inNamespace(ns)
                .withLabel("tekton.dev/pipelineTask", "deploy")
                .list()
                .getItems())
        .as("no deploy pod ran on the node")
        .isEmpty();

    GenericKubernetesResource notify = taskRun(ns, "release-bad", "notify").orElseThrow();
    assertThat(succeeded(notify)).as(describe(ns, run)).containsEntry("status", "True");
    assertThat(results(notify).get("SUMMARY")).contains("scan Failed");

    List<ScanResult> stored = admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
    assertThat(stored).hasSize(1);
    ScanResult result = stored.getFirst();
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(result.getStatus().getDecidingPolicy())
        .isEqualTo("ClusterScanPolicy/e2e-real-enforce");
    assertThat(result.getStatus().getViolations())
        .extracting(Violation::getFindingId)
        .containsOnly(CVE_OPENSSL, CVE_ZLIB);
    ServerSideTable table =
        ServerSideTable.get(
            cluster.apiServer(), "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults");
    assertThat(table.row(0).get(table.columns().indexOf("Verdict"))).isEqualTo("Fail");
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

  // --- set-up helpers ---------------------------------------------------------------------------

  boolean stepRunning(String ns, String pod) {
    Pod p = admin.pods().inNamespace(ns).withName(pod).get();
    return p != null
        && p.getStatus() != null
        && p.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    s.getName().equals("step-scan")
                        && s.getState() != null
                        && s.getState().getRunning() != null);
  }

  void clusterPolicy(String name, String label, PolicyAction action) {
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
   * A team's namespace as docs/admin-guide.md sets it up: labelled for a cluster policy, the {@code
   * pipeline} ServiceAccount bound to the chart's {@code sekisho-scan-submitter} ClusterRole, the
   * shipped Task (its image replaced), and the test's pipelines with Tekton's shell image.
   */
  String pipelineNamespace(String prefix, String policy) throws IOException {
    String ns = cluster.apiServer().createNamespace(prefix, Map.of(POLICY_LABEL, policy));
    cluster.apiServer().ensureServiceAccount(ns, PIPELINE_SA);
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("pipeline-sekisho-submit")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef(
                    "rbac.authorization.k8s.io", "ClusterRole", "sekisho-scan-submitter")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(PIPELINE_SA)
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    GenericKubernetesResource task = install.scanImageTask();
    task.getMetadata().setNamespace(ns);
    admin.resource(task).create();
    String pipelines;
    try (InputStream in = RealNodeGate.class.getResourceAsStream("/e2e/pipelines.yaml")) {
      pipelines = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    pipelines = pipelines.replace(PIPELINES_STEP_IMAGE, install.tektonImages().shell());
    for (GenericKubernetesResource item : documents(pipelines)) {
      item.getMetadata().setNamespace(ns);
      admin.resource(item).create();
    }
    Awaiting.until(
        "the operator publishes its CA in " + ns,
        Duration.ofMinutes(2),
        () -> admin.configMaps().inNamespace(ns).withName(SCAN_API_CA).get() != null);
    return ns;
  }

  static List<GenericKubernetesResource> documents(String yaml) {
    List<GenericKubernetesResource> items = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        items.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
      }
    }
    return items;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> stepsOf(GenericKubernetesResource task) {
    Map<String, Object> spec = (Map<String, Object>) task.getAdditionalProperties().get("spec");
    return (List<Map<String, Object>>) spec.get("steps");
  }

  /** Creates a PipelineRun of {@code pipeline} for the image and waits until Tekton finishes it. */
  GenericKubernetesResource runPipeline(
      String ns, String name, String pipeline, PushedImage image, String... moreArgs) {
    admin.resource(pipelineRun(ns, name, pipeline, image, moreArgs)).create();
    return awaitFinished(ns, name);
  }

  /** A PipelineRun of {@code pipeline} for the image, as a team writes it. */
  GenericKubernetesResource pipelineRun(
      String ns, String name, String pipeline, PushedImage image, String... moreArgs) {
    GenericKubernetesResource pr = new GenericKubernetesResource();
    pr.setApiVersion("tekton.dev/v1");
    pr.setKind("PipelineRun");
    pr.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    // Nothing about the token or the CA: the kubelet projects the token at the CLI's default
    // path and mounts the published CA where the shipped Task says.
    List<String> extraArgs = new ArrayList<>();
    extraArgs.addAll(List.of("--insecure-registry", cluster.registry().hostPort()));
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
                Map.of("name", "server", "value", SERVER),
                Map.of("name", "extra-args", "value", extraArgs),
                // the step image this build pushed, through the shipped Task's param
                Map.of("name", "scanner-image", "value", install.taskImage()))));
    return pr;
  }

  /** Waits until Tekton finishes the PipelineRun (condition Succeeded True or False). */
  GenericKubernetesResource awaitFinished(String ns, String name) {
    long began = System.nanoTime();
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
    RealNodeInstall.record(
        "PipelineRun "
            + name
            + " finished "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began)
            + " s after the test began waiting: "
            + succeeded(done).get("reason"));
    log.info(
        "PipelineRun {}/{} finished {} s after the test started waiting: {}",
        ns,
        name,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began),
        succeeded(done));
    return done;
  }

  GenericKubernetesResource pipelineRun(String ns, String name) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", "PipelineRun")
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  Optional<GenericKubernetesResource> taskRun(String ns, String pipelineRun, String pipelineTask) {
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

  ScanResult scanResult(String ns, String name) {
    ScanResult result = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
    assertThat(result).as("ScanResult %s/%s", ns, name).isNotNull();
    return result;
  }

  Pod podOf(String ns, GenericKubernetesResource taskRun) {
    String podName = (String) status(taskRun).get("podName");
    assertThat(podName).as("the TaskRun's pod").isNotNull();
    return admin.pods().inNamespace(ns).withName(podName).get();
  }

  /** The output of the step {@code step} of the TaskRun's pod, through the API (the kubelet). */
  String stepLog(String ns, GenericKubernetesResource taskRun, String step) {
    return admin
        .pods()
        .inNamespace(ns)
        .withName((String) status(taskRun).get("podName"))
        .inContainer("step-" + step)
        .getLog();
  }

  /** The exit code Tekton recorded for a step of a TaskRun. */
  @SuppressWarnings("unchecked")
  static Integer stepExitCode(GenericKubernetesResource taskRun, String step) {
    if (status(taskRun).get("steps") instanceof List<?> steps) {
      for (Object s : steps) {
        if (s instanceof Map<?, ?> m
            && step.equals(m.get("name"))
            && m.get("terminated") instanceof Map<?, ?> t) {
          return ((Number) t.get("exitCode")).intValue();
        }
      }
    }
    return null;
  }

  static String configMapName(Volume v) {
    return v.getConfigMap() == null ? null : v.getConfigMap().getName();
  }

  /** What went on, for a failure message: the run, its TaskRuns, the pods, events and logs. */
  String describe(String ns, GenericKubernetesResource run) {
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
      if (status(tr).get("podName") instanceof String pod) {
        try {
          String stepLog =
              admin
                  .pods()
                  .inNamespace(ns)
                  .withName(pod)
                  .inContainer("step-scan")
                  .tailingLines(20)
                  .getLog();
          if (stepLog != null && tr.getMetadata().getName().contains("-scan")) {
            out.append("    step-scan log:\n").append(stepLog.indent(6));
          }
        } catch (RuntimeException e) {
          // not a scan pod, or no log yet
        }
      }
    }
    out.append(install.podReport(ns)).append('\n');
    out.append("operator log tail:\n").append(install.operatorLogTail()).append('\n');
    out.append("Tekton controller log tail:\n").append(install.tekton().logTail());
    return out.toString();
  }

  // --- reading Tekton objects -------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(GenericKubernetesResource r) {
    Object status = r == null ? null : r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> succeeded(GenericKubernetesResource r) {
    if (status(r).get("conditions") instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type"))) {
          return (Map<String, Object>) m;
        }
      }
    }
    return Map.of();
  }

  static Map<String, String> results(GenericKubernetesResource taskRun) {
    Map<String, String> values = new TreeMap<>();
    if (status(taskRun).get("results") instanceof List<?> list) {
      for (Object r : list) {
        if (r instanceof Map<?, ?> m && m.get("value") instanceof String v) {
          values.put((String) m.get("name"), v);
        }
      }
    }
    return values;
  }

  static String specStatus(GenericKubernetesResource run) {
    return run.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
            && spec.get("status") instanceof String s
        ? s
        : null;
  }

  static String digestOf(PushedImage pushed) {
    return pushed.digestReference().substring(pushed.digestReference().indexOf('@') + 1);
  }
}
