package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.node.TerminationMessage.Entry;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent on a real kube-apiserver, running Pods shaped exactly as Tekton v1.6.0's
 * controller builds them (fixtures in {@code src/test/resources/node/}); this test plays the
 * controller's part (creating the pod, setting the ready annotation, deleting the pod).
 */
@WithKubeApiServer
class NodeAgentIT {
  private static final String STEP_IMAGE = "ghcr.io/sekisho/sekisho-task";

  // stands in for "java -jar sekisho.jar": records that it ran, its arguments, and writes a result
  private static final List<String> LAUNCHER =
      List.of(
          "/bin/sh",
          "-c",
          "echo scan >> \"$ORDER\"; printf '%s\\n' \"$@\" > \"$ORDER.args\";"
              + " printf 3 > \"${2#--tekton-results-dir=}/CRITICAL\"",
          "sekisho-launcher");

  private final KubeApiServer kube;
  private final KubernetesClient admin;

  @TempDir Path work;

  NodeAgentIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  private NodeAgent agent(String ns) {
    return NodeAgent.builder(admin)
        .nodeName("agent-" + ns)
        .workDir(work)
        .stepImage(STEP_IMAGE, LAUNCHER)
        .namespaces(ns)
        .start();
  }

  @Test
  void runsTheStepsOfATektonPodInOrderWithResultsAndTerminationMessages() throws IOException {
    String ns = kube.createNamespace("agent-results");
    admin
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("greeting")
                .endMetadata()
                .addToData("text", "hello")
                .build())
        .create();
    try (NodeAgent agent = agent(ns)) {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-results-pod.yaml")).create();

      Pod done = awaitPhase(ns, pod.getMetadata().getName(), "Succeeded");

      assertThat(done.getSpec().getNodeName()).isEqualTo(agent.nodeName());
      assertThat(done.getStatus().getPodIP()).isEqualTo("127.0.0.1");
      assertThat(condition(done, "PodScheduled")).isEqualTo("True");
      assertThat(condition(done, "Initialized")).isEqualTo("True");
      assertThat(condition(done, "Ready")).isEqualTo("False");
      assertThat(done.getStatus().getInitContainerStatuses())
          .extracting(ContainerStatus::getName)
          .containsExactly("prepare", "place-scripts");
      for (ContainerStatus s : done.getStatus().getInitContainerStatuses()) {
        assertThat(s.getState().getTerminated().getExitCode()).as(s.getName()).isZero();
        assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed");
      }
      for (ContainerStatus s : done.getStatus().getContainerStatuses()) {
        assertThat(s.getState().getTerminated().getExitCode()).as(s.getName()).isZero();
      }

      Path sandbox = agent.sandbox(done);
      Path workspace = sandbox.resolve("volumes/tekton-internal-workspace");
      // each step waited for the previous one's post file
      assertThat(Files.readString(workspace.resolve("order")))
          .isEqualTo("write\nscan\ncontinue\nlast\n");
      // the step image's "sekisho" ran the launcher, with /tekton/results rewritten
      assertThat(Files.readAllLines(workspace.resolve("order.args")))
          .containsExactly(
              "scan",
              "--tekton-results-dir=" + sandbox.resolve("volumes/tekton-internal-results"),
              "registry.example/app:1");
      // prepare's step-init links
      assertThat(
              Files.readSymbolicLink(sandbox.resolve("volumes/tekton-internal-steps/step-write")))
          .isEqualTo(sandbox.resolve("volumes/tekton-internal-run-0/status"));

      List<Entry> write = message(done, "step-write");
      assertThat(write).contains(new Entry("VERDICT", "Pass", TerminationMessage.TASK_RUN_RESULT));
      assertThat(write).extracting(Entry::key).containsExactly("VERDICT", "StartedAt");
      assertThat(write.get(1).value())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

      assertThat(message(done, "step-scan"))
          .contains(
              new Entry("VERDICT", "Pass", TerminationMessage.TASK_RUN_RESULT),
              new Entry("CRITICAL", "3", TerminationMessage.TASK_RUN_RESULT));

      // onError: continue: the container succeeds, the message keeps the step's exit code
      assertThat(message(done, "step-continue"))
          .contains(new Entry("ExitCode", "3", TerminationMessage.INTERNAL_TEKTON_RESULT));
      assertThat(Files.readString(sandbox.resolve("volumes/tekton-internal-run-2/status/exitCode")))
          .isEqualTo("3");

      assertThat(message(done, "step-last"))
          .contains(
              new Entry("NS", ns, TerminationMessage.TASK_RUN_RESULT),
              new Entry("TASKRUN", "results-run", TerminationMessage.TASK_RUN_RESULT),
              new Entry("GREETING", "hello", TerminationMessage.TASK_RUN_RESULT));

      // the projected ServiceAccount token is a real one for the pod's ServiceAccount
      String token = Files.readString(workspace.resolve("token"));
      TokenReview review =
          admin
              .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
              .create();
      assertThat(review.getStatus().getAuthenticated()).isTrue();
      assertThat(review.getStatus().getUser().getUsername())
          .isEqualTo("system:serviceaccount:" + ns + ":default");

      assertThat(agent.ranContainers(ns, "results-run-pod"))
          .extracting(RanContainer::container)
          .containsExactlyInAnyOrder(
              "prepare", "place-scripts", "step-write", "step-scan", "step-continue", "step-last");
      RanContainer scan = ran(agent, ns, "results-run-pod", "step-scan");
      assertThat(scan.hostCommand()).startsWith(LAUNCHER.toArray(String[]::new));
    }
  }

  @Test
  void aFailedStepSkipsTheNextOneAndTheFirstStepWaitsForTheReadyAnnotation() throws IOException {
    String ns = kube.createNamespace("agent-failing");
    try (NodeAgent agent = agent(ns)) {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-failing-pod.yaml")).create();
      String name = pod.getMetadata().getName();

      // the controller sets the ready annotation once the pod runs and its sidecars are ready
      Pod running = awaitPhase(ns, name, "Running");
      assertThat(running.getStatus().getContainerStatuses())
          .filteredOn(s -> s.getName().equals("sidecar-helper"))
          .singleElement()
          .satisfies(
              s ->
                  assertThat(s.getState().getTerminated().getReason())
                      .isEqualTo("NotRunByNodeAgent"));
      Path sandbox = agent.sandbox(running);
      assertThat(sandbox.resolve("volumes/tekton-internal-run-0/out.err")).doesNotExist();
      assertThat(agent.ranContainers(ns, name))
          .extracting(RanContainer::container)
          .doesNotContain("step-fail");
      admin
          .pods()
          .inNamespace(ns)
          .withName(name)
          // a merge patch without resourceVersion, as Tekton sends it: the agent updates the
          // pod's status meanwhile, so an edit (read, change, replace) could conflict
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"tekton.dev/ready\":\"READY\"}}}");

      Pod done = awaitPhase(ns, name, "Failed");
      assertThat(terminated(done, "step-fail").getExitCode()).isEqualTo(1);
      assertThat(message(done, "step-fail")).extracting(Entry::key).containsExactly("StartedAt");
      assertThat(terminated(done, "step-after").getExitCode()).isEqualTo(1);
      assertThat(message(done, "step-after"))
          .contains(new Entry("Reason", "Skipped", TerminationMessage.INTERNAL_TEKTON_RESULT));
      assertThat(sandbox.resolve("volumes/tekton-internal-workspace/after")).doesNotExist();
      assertThat(sandbox.resolve("volumes/tekton-internal-run-0/out.err")).exists();
      assertThat(sandbox.resolve("volumes/tekton-internal-run-1/out.err")).exists();
      RanContainer fail = ran(agent, ns, name, "step-fail");
      assertThat(Files.readString(fail.output())).contains("failing");
      assertThat(ran(agent, ns, name, "step-after").hostCommand()).isEmpty();
    }
  }

  @Test
  void deletingARunningPodKillsItsProcessesAndFinishesTheDeletion() throws IOException {
    String ns = kube.createNamespace("agent-delete");
    try (NodeAgent agent = agent(ns)) {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-sleeping-pod.yaml")).create();
      String name = pod.getMetadata().getName();
      Path pidFile = agent.sandbox(pod).resolve("volumes/tekton-internal-workspace/pid");
      Awaiting.until(
          "the step wrote its PID", () -> Files.isRegularFile(pidFile) && size(pidFile) > 0);
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

      admin.pods().inNamespace(ns).withName(name).delete(); // graceful, as Tekton deletes

      Awaiting.until(
          "the pod is gone", () -> admin.pods().inNamespace(ns).withName(name).get() == null);
      Awaiting.until(
          "the step's process is gone",
          () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false);
      Awaiting.until(
          "the step is recorded",
          () ->
              !agent.ranContainers(ns, name).stream()
                  .filter(r -> r.container().equals("step-sleep"))
                  .toList()
                  .isEmpty());
      assertThat(ran(agent, ns, name, "step-sleep").exitCode()).isEqualTo(ContainerRun.KILLED);
    }
  }

  @Test
  void closingTheAgentKillsItsProcessesAndEndsItsThreads() throws IOException {
    String ns = kube.createNamespace("agent-close");
    NodeAgent agent = agent(ns);
    long pid;
    try {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-sleeping-pod.yaml")).create();
      Path pidFile = agent.sandbox(pod).resolve("volumes/tekton-internal-workspace/pid");
      Awaiting.until(
          "the step wrote its PID", () -> Files.isRegularFile(pidFile) && size(pidFile) > 0);
      pid = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    } finally {
      agent.close();
    }
    Awaiting.until(
        "the step's process is gone",
        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    Awaiting.until(
        "no thread of the agent is left",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .noneMatch(t -> t.getName().startsWith("node-agent-" + agent.nodeName())));
    assertThat(admin.nodes().withName(agent.nodeName()).get()).isNull();
  }

  @Test
  void theCancelAnnotationCancelsTheRunningStepWhenThePodIsKeptOnCancel() throws IOException {
    String ns = kube.createNamespace("agent-cancel");
    try (NodeAgent agent = agent(ns)) {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-cancel-pod.yaml")).create();
      String name = pod.getMetadata().getName();
      Path sandbox = agent.sandbox(pod);
      Path pidFile = sandbox.resolve("volumes/tekton-internal-workspace/pid");
      Awaiting.until(
          "the step wrote its PID", () -> Files.isRegularFile(pidFile) && size(pidFile) > 0);
      long pid = Long.parseLong(Files.readString(pidFile).strip());

      // what pod.CancelPod patches when keep-pod-on-cancel is on
      admin
          .pods()
          .inNamespace(ns)
          .withName(name)
          // a merge patch without resourceVersion, as Tekton sends it: the agent updates the
          // pod's status meanwhile, so an edit (read, change, replace) could conflict
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"tekton.dev/cancel\":\"CANCEL\"}}}");

      Pod done = awaitPhase(ns, name, "Failed");
      assertThat(terminated(done, "step-wait").getExitCode()).isEqualTo(9);
      assertThat(message(done, "step-wait"))
          .contains(new Entry("Reason", "Cancelled", TerminationMessage.INTERNAL_TEKTON_RESULT));
      assertThat(Files.readString(sandbox.resolve("volumes/tekton-internal-run-0/status/exitCode")))
          .isEqualTo("killed");
      assertThat(message(done, "step-next"))
          .contains(new Entry("Reason", "Skipped", TerminationMessage.INTERNAL_TEKTON_RESULT));
      assertThat(sandbox.resolve("volumes/tekton-internal-workspace/next")).doesNotExist();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(admin.pods().inNamespace(ns).withName(name).get())
          .as("the pod is kept")
          .isNotNull();
    }
  }

  @Test
  void aStepTimeoutKillsTheCommandAndReportsTimeoutExceeded() throws IOException {
    String ns = kube.createNamespace("agent-timeout");
    try (NodeAgent agent = agent(ns)) {
      Pod pod = admin.pods().inNamespace(ns).resource(fixture("tekton-timeout-pod.yaml")).create();
      String name = pod.getMetadata().getName();

      Pod done = awaitPhase(ns, name, "Failed");
      assertThat(terminated(done, "step-slow").getExitCode()).isEqualTo(1);
      assertThat(message(done, "step-slow"))
          .contains(
              new Entry("Reason", "TimeoutExceeded", TerminationMessage.INTERNAL_TEKTON_RESULT));
      Path sandbox = agent.sandbox(done);
      assertThat(sandbox.resolve("volumes/tekton-internal-run-0/out.err")).exists();
      long pid =
          Long.parseLong(
              Files.readString(sandbox.resolve("volumes/tekton-internal-workspace/pid")).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void aMissingSecretKeepsTheContainerWaitingWithCreateContainerConfigError() {
    String ns = kube.createNamespace("agent-config");
    try (NodeAgent agent = agent(ns)) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName("needs-secret")
              .endMetadata()
              .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer()
              .withName("main")
              .withImage("busybox")
              .withCommand("/bin/sh", "-c", "echo $(TOKEN)")
              .addNewEnv()
              .withName("TOKEN")
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName("absent")
              .withKey("token")
              .endSecretKeyRef()
              .endValueFrom()
              .endEnv()
              .endContainer()
              .endSpec()
              .build();
      admin.pods().inNamespace(ns).resource(pod).create();

      Awaiting.until(
          "the container waits with CreateContainerConfigError",
          () -> {
            Pod p = admin.pods().inNamespace(ns).withName("needs-secret").get();
            return p.getStatus().getContainerStatuses() != null
                && p.getStatus().getContainerStatuses().stream()
                    .anyMatch(
                        s ->
                            s.getState().getWaiting() != null
                                && "CreateContainerConfigError"
                                    .equals(s.getState().getWaiting().getReason()));
          });
      Pod p = admin.pods().inNamespace(ns).withName("needs-secret").get();
      assertThat(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
          .isEqualTo("secret \"absent\" not found");
      assertThat(agent.ranContainers(ns, "needs-secret")).isEmpty();
    }
  }

  @Test
  void aPodWithAnUnsupportedVolumeFailsWithTheReason() {
    String ns = kube.createNamespace("agent-unsupported");
    try (NodeAgent agent = agent(ns)) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName("host-path")
              .endMetadata()
              .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer()
              .withName("main")
              .withImage("busybox")
              .withCommand("true")
              .endContainer()
              .addNewVolume()
              .withName("host")
              .withNewHostPath()
              .withPath("/etc")
              .endHostPath()
              .endVolume()
              .endSpec()
              .build();
      admin.pods().inNamespace(ns).resource(pod).create();

      Pod failed = awaitPhase(ns, "host-path", "Failed");
      assertThat(failed.getStatus().getReason()).isEqualTo(PodWorker.UNSUPPORTED);
      assertThat(failed.getStatus().getMessage()).contains("volume host:");
      assertThat(agent.ranContainers(ns, "host-path")).isEmpty();
    }
  }

  private Pod awaitPhase(String ns, String name, String phase) {
    Awaiting.until(
        "pod " + ns + "/" + name + " is " + phase,
        Duration.ofSeconds(120),
        () -> {
          Pod p = admin.pods().inNamespace(ns).withName(name).get();
          return p != null && p.getStatus() != null && phase.equals(p.getStatus().getPhase());
        });
    return admin.pods().inNamespace(ns).withName(name).get();
  }

  private static Pod fixture(String name) throws IOException {
    try (InputStream in = NodeAgentIT.class.getResourceAsStream("/node/" + name)) {
      return new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
          .unmarshal(in, Pod.class);
    }
  }

  private static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse("absent");
  }

  private static io.fabric8.kubernetes.api.model.ContainerStateTerminated terminated(
      Pod pod, String container) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getName().equals(container))
        .findFirst()
        .orElseThrow()
        .getState()
        .getTerminated();
  }

  private static List<Entry> message(Pod pod, String container) {
    return TerminationMessage.decode(terminated(pod, container).getMessage());
  }

  private static RanContainer ran(NodeAgent agent, String ns, String pod, String container) {
    Optional<RanContainer> r =
        agent.ranContainers(ns, pod).stream()
            .filter(c -> c.container().equals(container))
            .findFirst();
    assertThat(r).as("%s ran", container).isPresent();
    return r.get();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
