package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.tekton.TektonController;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tekton's real controller (v1.6.0, {@link TektonController}) with the node agent playing the
 * kubelet: TaskRuns run to their end as Tekton decides, from the pods the controller builds.
 */
@WithKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentTektonIT {
  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private TektonController controller;
  private NodeAgent agent;
  private String ns;

  NodeAgentTektonIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start() {
    ns = kube.createNamespace("agent-tekton");
    controller =
        TektonController.builder(kube)
            .logFile(Path.of("target", "node-agent-tekton-it-controller.log"))
            .start();
    agent =
        NodeAgent.builder(admin)
            .nodeName("agent-tekton-it")
            .workDir(Path.of("target", "node-agent-tekton-it"))
            .namespaces(ns)
            .start();
  }

  @AfterAll
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void aTaskRunRunsToSuccessWithItsResultsAndStepStates() {
    create(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: greet
        spec:
          taskSpec:
            results:
              - name: greeting
            steps:
              - name: write
                image: example.invalid/tools:1
                script: |
                  printf 'hello from %s' "$(context.taskRun.name)" > $(results.greeting.path)
              - name: second
                image: example.invalid/tools:1
                command: [/bin/sh, -c]
                args: ["test -s $(results.greeting.path) && echo second"]
        """);

    GenericKubernetesResource tr = awaitDone("greet");
    assertThat(succeeded(tr)).containsEntry("status", "True");
    assertThat(list(status(tr).get("results")))
        .singleElement()
        .satisfies(
            r ->
                assertThat(map(r))
                    .containsEntry("name", "greeting")
                    .containsEntry("value", "hello from greet"));
    assertThat(list(status(tr).get("steps")))
        .extracting(s -> map(map(map(s).get("terminated"))).get("exitCode"))
        .containsExactly(0, 0);
    assertThat(agent.ranSteps())
        .filteredOn(r -> r.pod().startsWith("greet-pod"))
        .extracting(RanContainer::container)
        .containsExactlyInAnyOrder("step-write", "step-second");
  }

  @Test
  void aFailingStepFailsTheTaskRunAndTheNextStepIsSkipped() throws Exception {
    create(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: fails
        spec:
          taskSpec:
            steps:
              - name: fail
                image: example.invalid/tools:1
                script: |
                  echo failing on purpose
                  exit 7
              - name: never
                image: example.invalid/tools:1
                command: [/bin/sh, -c, "echo never > /workspace/never"]
        """);

    GenericKubernetesResource tr = awaitDone("fails");
    assertThat(succeeded(tr)).containsEntry("status", "False").containsEntry("reason", "Failed");
    List<Object> steps = list(status(tr).get("steps"));
    assertThat(map(map(map(steps.get(0)).get("terminated"))).get("exitCode")).isEqualTo(7);
    assertThat(map(steps.get(1)).get("terminationReason")).isEqualTo("Skipped");
    RanContainer fail =
        agent.ranSteps().stream()
            .filter(r -> r.pod().startsWith("fails-pod") && r.container().equals("step-fail"))
            .findFirst()
            .orElseThrow();
    assertThat(Files.readString(fail.output())).contains("failing on purpose");
  }

  @Test
  void cancellingATaskRunKillsItsStep() throws Exception {
    create(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: cancelled
        spec:
          taskSpec:
            steps:
              - name: sleep
                image: example.invalid/tools:1
                script: |
                  echo $$ > /tekton/home/pid
                  sleep 600
        """);
    Awaiting.until(
        "the step runs",
        Duration.ofSeconds(120),
        () ->
            admin.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith("cancelled-pod"))
                .anyMatch(
                    p ->
                        Files.exists(
                            agent.sandbox(p).resolve("volumes/tekton-internal-home/pid"))));
    var pod =
        admin.pods().inNamespace(ns).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith("cancelled-pod"))
            .findFirst()
            .orElseThrow();
    Path pidFile = agent.sandbox(pod).resolve("volumes/tekton-internal-home/pid");
    Awaiting.until(
        "the pid is written",
        () -> {
          try {
            return !Files.readString(pidFile).isBlank();
          } catch (java.io.IOException e) {
            return false;
          }
        });
    long pid = Long.parseLong(Files.readString(pidFile).strip());

    admin
        .genericKubernetesResources("tekton.dev/v1", "TaskRun")
        .inNamespace(ns)
        .withName("cancelled")
        // a merge patch without resourceVersion: the controller updates the TaskRun meanwhile
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"status\":\"TaskRunCancelled\"}}");

    GenericKubernetesResource tr = awaitDone("cancelled");
    assertThat(succeeded(tr))
        .containsEntry("status", "False")
        .containsEntry("reason", "TaskRunCancelled");
    Awaiting.until(
        "the step's process is gone",
        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    Awaiting.until(
        "the pod is gone",
        () -> admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get() == null);
  }

  private void create(String yaml) {
    GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    r.getMetadata().setNamespace(ns);
    admin.resource(r).create();
  }

  private GenericKubernetesResource awaitDone(String name) {
    Awaiting.until(
        "TaskRun " + name + " is done",
        Duration.ofSeconds(180),
        () -> {
          GenericKubernetesResource tr = get(name);
          return tr != null && !"Unknown".equals(succeeded(tr).getOrDefault("status", "Unknown"));
        });
    return get(name);
  }

  private GenericKubernetesResource get(String name) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", "TaskRun")
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  private static Map<String, Object> status(GenericKubernetesResource r) {
    return map(r.getAdditionalProperties().get("status"));
  }

  private static Map<String, Object> succeeded(GenericKubernetesResource r) {
    for (Object c : list(status(r).get("conditions"))) {
      if ("Succeeded".equals(map(c).get("type"))) {
        return map(c);
      }
    }
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
