package dev.sekisho.testkit.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tekton's real controller against the test API server, without anything playing the kubelet: it
 * turns a TaskRun into the Pod Tekton would run, and a PipelineRun into the TaskRuns of the tasks
 * whose dependencies are met, and nothing it opens listens beyond 127.0.0.1.
 */
@WithKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TektonControllerIT {
  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private TektonController controller;

  TektonControllerIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start() {
    controller =
        TektonController.builder(kube)
            .logFile(Path.of("target", "tekton-controller-it.log"))
            .start();
  }

  @AfterAll
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  private GenericKubernetesResource create(String ns, String yaml) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(ns);
    return admin.resource(resource).create();
  }

  private GenericKubernetesResource get(String ns, String kind, String name) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", kind)
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  private List<GenericKubernetesResource> taskRuns(String ns) {
    return admin
        .genericKubernetesResources("tekton.dev/v1", "TaskRun")
        .inNamespace(ns)
        .list()
        .getItems();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    Object status = r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> succeeded(GenericKubernetesResource r) {
    Object conditions = status(r).get("conditions");
    if (conditions instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type"))) {
          return (Map<String, Object>) m;
        }
      }
    }
    return Map.of();
  }

  @Test
  void aTaskRunBecomesThePodTektonRuns() {
    String ns = kube.createNamespace("tekton-taskrun");
    create(
        ns,
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: hello
        spec:
          taskSpec:
            steps:
              - name: greet
                image: example.invalid/tools:1
                command: [echo]
                args: [hello]
              - name: script
                image: example.invalid/tools:1
                script: |
                  echo from a script
        """);

    Awaiting.until(
        "the controller creates the TaskRun's Pod",
        () -> !admin.pods().inNamespace(ns).list().getItems().isEmpty());
    Pod pod = admin.pods().inNamespace(ns).list().getItems().getFirst();

    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("TaskRun");
              assertThat(o.getName()).isEqualTo("hello");
            });
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("tekton.dev/taskRun", "hello")
        .containsEntry("app.kubernetes.io/managed-by", "tekton-pipelines");
    assertThat(pod.getSpec().getInitContainers())
        .extracting(Container::getName, Container::getImage)
        .contains(
            tuple("prepare", TektonController.ENTRYPOINT_IMAGE),
            tuple("place-scripts", TektonController.SHELL_IMAGE));
    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("step-greet", "step-script");
    Container greet = pod.getSpec().getContainers().getFirst();
    // Tekton's entrypoint wraps the step's own command: the contract a node must honour.
    assertThat(greet.getCommand()).containsExactly("/tekton/bin/entrypoint");
    assertThat(greet.getArgs())
        .containsSubsequence("-post_file", "/tekton/run/0/out")
        .containsSubsequence("-termination_path", "/tekton/termination")
        .containsSubsequence("-entrypoint", "echo", "--", "hello");

    Awaiting.until(
        "the TaskRun names its Pod",
        () ->
            pod.getMetadata().getName().equals(status(get(ns, "TaskRun", "hello")).get("podName")));
    // Nobody runs the Pod, so the TaskRun waits: it neither succeeds nor fails.
    assertThat(succeeded(get(ns, "TaskRun", "hello"))).containsEntry("status", "Unknown");
  }

  @Test
  void withoutSetSecurityContextARestrictedNamespaceRejectsTektonsOwnContainers() {
    // release defaults: set-security-context is "false"
    String ns =
        kube.createNamespace(
            "tekton-restricted-default", TektonControllerImagesIT.ENFORCE_RESTRICTED);
    create(ns, TektonControllerImagesIT.restrictedTaskRun("scan", true));

    Awaiting.until(
        "the TaskRun fails",
        () -> "False".equals(succeeded(get(ns, "TaskRun", "scan")).get("status")));
    Map<String, Object> succeeded = succeeded(get(ns, "TaskRun", "scan"));
    assertThat(succeeded).containsEntry("reason", "PodAdmissionFailed");
    // the step has the securityContext the shipped Task has; Tekton's init containers have none
    assertThat(String.valueOf(succeeded.get("message")))
        .contains("violates PodSecurity \"restricted:latest\"", "\"prepare\"", "\"place-scripts\"")
        .doesNotContain("\"step-scan\"");
    assertThat(admin.pods().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void aPipelineRunStartsOnlyTheTasksWhoseDependenciesAreDone() {
    String ns = kube.createNamespace("tekton-pipelinerun");
    create(
        ns,
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: two-steps
        spec:
          pipelineSpec:
            tasks:
              - name: first
                taskSpec:
                  steps:
                    - name: run
                      image: example.invalid/tools:1
                      command: ["true"]
              - name: second
                runAfter: [first]
                taskSpec:
                  steps:
                    - name: run
                      image: example.invalid/tools:1
                      command: ["true"]
        """);

    Awaiting.until("the controller creates the first TaskRun", () -> !taskRuns(ns).isEmpty());
    Awaiting.until(
        "the PipelineRun reports Running",
        () -> "Running".equals(succeeded(get(ns, "PipelineRun", "two-steps")).get("reason")));
    List<GenericKubernetesResource> runs = taskRuns(ns);
    assertThat(runs)
        .singleElement()
        .satisfies(
            tr ->
                assertThat(tr.getMetadata().getLabels())
                    .containsEntry("tekton.dev/pipelineRun", "two-steps")
                    .containsEntry("tekton.dev/pipelineTask", "first"));
  }

  @Test
  void everyListenerOfTheControllerIsOnLoopback() throws IOException {
    assertThat(controller.isAlive()).as(controller.logTail()).isTrue();
    List<String> listeners = listeningAddresses(controller.pid());
    // the controller's own probes, knative's default probes and the profiling server
    assertThat(listeners).as("listening sockets of pid %d", controller.pid()).isNotEmpty();
    assertThat(listeners).allSatisfy(a -> assertThat(a).startsWith("127.0.0.1:"));
  }

  /**
   * The local addresses of the TCP sockets the process listens on, from {@code /proc}: its socket
   * inodes ({@code /proc/PID/fd}) matched against the kernel's TCP tables (state 0A = LISTEN).
   */
  private static List<String> listeningAddresses(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while listing is not a listener
        }
      }
    }
    List<String> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          listening.add(address(f[1]));
        }
      }
    }
    return listening;
  }

  /** {@code 0100007F:1F90} → {@code 127.0.0.1:8080}; IPv6 addresses stay hex. */
  private static String address(String hex) {
    String[] parts = hex.split(":");
    int port = Integer.parseInt(parts[1], 16);
    if (parts[0].length() != 8) {
      return "[" + parts[0] + "]:" + port;
    }
    long ip = Long.parseLong(parts[0], 16);
    return (ip & 0xff)
        + "."
        + (ip >> 8 & 0xff)
        + "."
        + (ip >> 16 & 0xff)
        + "."
        + (ip >> 24 & 0xff)
        + ":"
        + port;
  }
}
