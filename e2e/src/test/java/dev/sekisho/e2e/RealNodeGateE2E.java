package dev.sekisho.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.testkit.cluster.RealCluster;
import dev.sekisho.testkit.cluster.WithRealCluster;
import dev.sekisho.testkit.kube.Awaiting;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The gate's scenarios on a real node with Sekisho installed by Helm ({@link
 * RealNodeInstall.Kind#HELM}): the clean and Enforce scenarios of {@link RealNodeGate}, and below
 * Warn, a pipeline that ignores the scan's exit code, a tampered Task, fail-open with the operator
 * down, an operator restart and a namespace enforcing the restricted Pod Security Standard.
 */
@WithRealCluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealNodeGateE2E extends RealNodeGate {

  RealNodeGateE2E(RealCluster cluster) {
    super(cluster);
  }

  @Override
  RealNodeInstall.Kind installKind() {
    return RealNodeInstall.Kind.HELM;
  }

  @Test
  void aWarnPolicyLetsTheDeployRunAndRecordsWarn() throws Exception {
    String ns = pipelineNamespace("real-warn", "warn");

    GenericKubernetesResource run =
        runPipeline(ns, "release-warn", "build-scan-deploy", vulnerable);

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
    String ns = pipelineNamespace("real-tampered", "enforce");
    GenericKubernetesResource tampered = install.scanImageTask();
    tampered.getMetadata().setName("scan-image-tampered");
    stepsOf(tampered).getFirst().put("onError", "continue");
    tampered.getMetadata().setNamespace(ns);
    admin.resource(tampered).create();

    GenericKubernetesResource run =
        runPipeline(ns, "release-tampered", "build-scan-deploy-tampered", vulnerable);

    GenericKubernetesResource scan = taskRun(ns, "release-tampered", "scan").orElseThrow();
    assertThat((String) succeeded(scan).get("reason"))
        .as(describe(ns, run))
        .isIn("Succeeded", "TaskRunCancelled");
    List<ScanResult> stored = admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
    assertThat(stored).hasSize(1);
    ScanResult result = stored.getFirst();
    assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
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
  }

  @Test
  void anOperatorScaledToZeroFailsTheScanClosed() throws Exception {
    String ns = pipelineNamespace("real-down", "enforce");
    install.scaleOperator(0);
    try {
      GenericKubernetesResource run =
          runPipeline(ns, "release-down", "build-scan-deploy", vulnerable, "--server-wait=3");

      assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "False");
      GenericKubernetesResource scan = taskRun(ns, "release-down", "scan").orElseThrow();
      assertThat(succeeded(scan)).containsEntry("status", "False");
      assertThat((String) succeeded(scan).get("message"))
          .contains("\"step-scan\" exited with code 3");
      assertThat(stepExitCode(scan, "scan")).isEqualTo(3);
      assertThat(taskRun(ns, "release-down", "deploy")).isEmpty();
      assertThat(stepLog(ns, scan, "scan"))
          .contains("cannot reach the Sekisho scan API at " + SERVER)
          .contains("is the operator running?")
          .contains("retrying in")
          .contains("--server-wait");
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();

      // the configurable alternative: --fail-open lets an outage pass, saying so
      GenericKubernetesResource open =
          runPipeline(
              ns,
              "release-down-open",
              "build-scan-deploy",
              vulnerable,
              "--server-wait=3",
              "--fail-open");
      assertThat(succeeded(open)).as(describe(ns, open)).containsEntry("status", "True");
      GenericKubernetesResource openScan = taskRun(ns, "release-down-open", "scan").orElseThrow();
      assertThat(results(openScan)).containsEntry("VERDICT", "Error");
      assertThat(stepLog(ns, openScan, "scan")).contains("the image was NOT checked");
      assertThat(taskRun(ns, "release-down-open", "deploy")).isPresent();
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
    } finally {
      install.scaleOperator(1);
    }
  }

  @Test
  void anOperatorPodDeletedDuringTheScanCostsNoResultAndFailsNoPipeline() throws Exception {
    String ns = pipelineNamespace("real-restart", "enforce");
    List<String> before =
        install.operatorPods().stream().map(p -> p.getMetadata().getName()).toList();
    // the step's default --server-wait (180 s) bridges the restart, as for a user
    GenericKubernetesResource pr = pipelineRun(ns, "release-restart", "build-scan-deploy", clean);
    admin.resource(pr).create();
    Awaiting.until(
        "the scan step runs",
        RUN_TIMEOUT,
        () ->
            taskRun(ns, "release-restart", "scan")
                .map(tr -> status(tr).get("podName") instanceof String pod && stepRunning(ns, pod))
                .orElse(false));
    for (String pod : before) {
      admin.pods().inNamespace(RealNodeInstall.NAMESPACE).withName(pod).delete();
    }

    GenericKubernetesResource run = awaitFinished(ns, "release-restart");

    assertThat(install.operatorPods())
        .as("a new operator pod replaced the deleted one")
        .noneMatch(p -> before.contains(p.getMetadata().getName()));
    assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "True");
    GenericKubernetesResource scan = taskRun(ns, "release-restart", "scan").orElseThrow();
    assertThat(results(scan)).containsEntry("VERDICT", "Pass");
    List<ScanResult> stored = admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
    assertThat(stored).as("exactly the one ScanResult of the scan").hasSize(1);
    assertThat(stored.getFirst().getMetadata().getName())
        .isEqualTo(results(scan).get("SCAN_RESULT"));
    assertThat(stored.getFirst().getStatus().getVerdict()).isEqualTo(Verdict.Pass);
    assertThat(taskRun(ns, "release-restart", "deploy")).isPresent();
    assertThat(stepLog(ns, scan, "scan"))
        .as("the step bridged the outage by retrying")
        .contains("retrying in");
    install.awaitOperatorReady();
  }

  @Test
  void aScanInANamespaceEnforcingRestrictedRunsWithTektonsSecurityContext() throws Exception {
    String ns = pipelineNamespace("real-restricted", "enforce");
    admin
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    // only the shipped Task: its step carries the restricted securityContext; Tekton's own init
    // containers get theirs from the set-security-context flag the install turned on
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: tekton.dev/v1
                kind: Pipeline
                metadata:
                  name: scan-only
                  namespace: %s
                spec:
                  params:
                    - {name: image, type: string}
                    - {name: digest, type: string}
                    - {name: server, type: string}
                    - {name: extra-args, type: array, default: []}
                    - {name: scanner-image, type: string}
                  tasks:
                    - name: scan
                      taskRef: {name: scan-image}
                      params:
                        - {name: IMAGE, value: $(params.image)}
                        - {name: IMAGE_DIGEST, value: $(params.digest)}
                        - {name: SERVER, value: $(params.server)}
                        - {name: EXTRA_ARGS, value: ["$(params.extra-args[*])"]}
                        - {name: SCANNER_IMAGE, value: $(params.scanner-image)}
                """
                    .formatted(ns),
                GenericKubernetesResource.class))
        .create();

    GenericKubernetesResource run = runPipeline(ns, "release-restricted", "scan-only", clean);

    assertThat(succeeded(run)).as(describe(ns, run)).containsEntry("status", "True");
    GenericKubernetesResource scan = taskRun(ns, "release-restricted", "scan").orElseThrow();
    assertThat(results(scan)).containsEntry("VERDICT", "Pass");
    Pod pod = podOf(ns, scan);
    assertThat(pod.getSpec().getInitContainers())
        .as("Tekton's init containers, admitted under restricted")
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
              assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
              assertThat(c.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
            });
  }
}
