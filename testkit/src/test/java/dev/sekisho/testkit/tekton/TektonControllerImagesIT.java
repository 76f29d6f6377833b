package dev.sekisho.testkit.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.registry.RegistryTest;
import dev.sekisho.testkit.registry.TestRegistry;
import dev.sekisho.testkit.runc.RuncContainer;
import dev.sekisho.testkit.runc.RuncImage;
import dev.sekisho.testkit.runc.RuncOptions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tekton's real controller given the images {@link TektonImages} built and pushed (no kubelet: the
 * pods need not run), with {@code set-security-context: "true"} and {@code results-from:
 * sidecar-logs} in its {@code feature-flags}: a TaskRun's pod names exactly those images, and in a
 * namespace that enforces the {@code restricted} Pod Security level the API server's own
 * PodSecurity admission accepts Tekton's init containers and results sidecar.
 */
@WithKubeApiServer
@RegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TektonControllerImagesIT {
  static final Map<String, String> ENFORCE_RESTRICTED =
      Map.of(
          "pod-security.kubernetes.io/enforce", "restricted",
          "pod-security.kubernetes.io/enforce-version", "latest");

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private TektonImages.References images;
  private TektonController controller;

  TektonControllerImagesIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start(TestRegistry registry) {
    images = TektonImages.of(TektonRelease.fromEnvironment()).push(registry);
    controller =
        TektonController.builder(kube)
            .images(images)
            .featureFlag("set-security-context", "true")
            .featureFlag("results-from", "sidecar-logs")
            .logFile(Path.of("target", "tekton-controller-images-it.log"))
            .start();
  }

  @AfterAll
  void stop() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void theTaskRunsPodNamesExactlyTheBuiltImages() {
    String ns = kube.createNamespace("tekton-images");
    create(
        ns,
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: build
        spec:
          taskSpec:
            results:
              - name: digest
            steps:
              - name: compile
                image: example.invalid/tools:1
                workingDir: src/app
                command: ["true"]
              - name: report
                image: example.invalid/tools:1
                script: |
                  printf sha256:0 > $(results.digest.path)
        """);

    Pod pod = awaitPod(ns, "build");

    assertThat(pod.getSpec().getInitContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(
            tuple("prepare", images.entrypoint()),
            tuple("place-scripts", images.shell()),
            tuple("working-dir-initializer", images.workingDirInit()));
    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName, Container::getImage)
        .containsExactly(
            tuple("step-compile", "example.invalid/tools:1"),
            tuple("step-report", "example.invalid/tools:1"),
            tuple("sidecar-tekton-log-results", images.sidecarLogResults()));
    // the paths Tekton calls are the ones the images hold (TektonImagesIT runs them)
    assertThat(pod.getSpec().getInitContainers().getFirst().getCommand())
        .startsWith("/ko-app/entrypoint", "init", "/ko-app/entrypoint", "/tekton/bin/entrypoint");
    assertThat(pod.getSpec().getInitContainers().get(1).getCommand()).containsExactly("sh");
    assertThat(pod.getSpec().getInitContainers().get(2).getCommand())
        .containsExactly("/ko-app/workingdirinit");
    assertThat(pod.getSpec().getContainers().get(2).getCommand())
        .startsWith("/ko-app/sidecarlogresults");
  }

  @Test
  void aRestrictedNamespaceAdmitsTektonsOwnContainersWithSetSecurityContext() {
    String ns = kube.createNamespace("tekton-restricted", ENFORCE_RESTRICTED);
    create(ns, restrictedTaskRun("scan", true));

    Pod pod = awaitPod(ns, "scan");

    // PodSecurity admission accepted the pod; check why, container by container
    List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
    all.addAll(pod.getSpec().getContainers());
    assertThat(all)
        .extracting(Container::getName)
        .containsExactly(
            "prepare",
            "place-scripts",
            "working-dir-initializer",
            "step-scan",
            "sidecar-tekton-log-results");
    assertThat(all)
        .allSatisfy(c -> assertThat(restrictedViolations(pod, c)).as(c.getName()).isEmpty());
  }

  @Test
  void aRestrictedNamespaceStillRejectsStepsWithoutASecurityContext() {
    String ns = kube.createNamespace("tekton-restricted-steps", ENFORCE_RESTRICTED);
    create(ns, restrictedTaskRun("scan", false));

    Map<String, Object> succeeded = awaitFailed(ns, "scan");

    // the real admission judged the pod: only the step is named, none of Tekton's containers
    assertThat(succeeded).containsEntry("reason", "PodAdmissionFailed");
    String message = String.valueOf(succeeded.get("message"));
    assertThat(message).contains("violates PodSecurity \"restricted:latest\"", "\"step-scan\"");
    assertThat(message)
        .doesNotContain(
            "prepare", "place-scripts", "working-dir-initializer", "sidecar-tekton-log-results");
  }

  @Test
  void thePodsInitContainersAndScriptStepRunFromTheImagesAsTektonWroteThem(@TempDir Path tmp)
      throws IOException {
    String ns = kube.createNamespace("tekton-images-run");
    // the step's image is the shell image too: it has /bin/sh for the script's #! line
    create(
        ns,
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
              - name: greet
                image: %s
                script: |
                  echo "hello from $(id -u)"
                  printf hello > $(results.greeting.path)
        """
            .formatted(images.shell()));
    Pod pod = awaitPod(ns, "greet");

    PodOnRunc node = new PodOnRunc(pod, tmp);
    try (node) {
      for (Container init : pod.getSpec().getInitContainers()) {
        RuncContainer.Exit exit = node.run(init);
        assertThat(exit.code()).as("%s: %s", init.getName(), exit.stderr()).isZero();
      }
      // the kubelet writes the ready annotation into the downward volume; the first step waits for
      // it
      Files.writeString(node.volume("tekton-internal-downward").resolve("ready"), "READY");
      Container step = pod.getSpec().getContainers().getFirst();
      assertThat(step.getName()).isEqualTo("step-greet");
      RuncContainer.Exit exit = node.run(step);

      assertThat(exit.code()).as(exit.stderr()).isZero();
      assertThat(exit.stdout()).isEqualTo("hello from " + PodOnRunc.UID + "\n");
      assertThat(node.volume("tekton-internal-results").resolve("greeting")).hasContent("hello");
      // Tekton's entrypoint marks the step done for the next one and reports to the kubelet
      assertThat(node.volume("tekton-internal-run-0").resolve("out")).exists();
      assertThat(Files.readString(node.terminationFile(step))).contains("\"StartedAt\"");
    }
  }

  /**
   * Runs a pod's containers one at a time with Debian's {@code runc}, from the images their specs
   * name, the way a kubelet would as far as these containers can tell: each {@code emptyDir} or
   * {@code downwardAPI} volume is a world-writable host directory mounted where the container
   * mounts it (the ServiceAccount token's {@code projected} volume an empty one: none of these
   * containers reads it), the termination message path is a host file, and every container runs as
   * the arbitrary UID {@value #UID} on a read-only root. Not done: working directories, {@code
   * subPath} mounts, {@code valueFrom} environment, other volume types (a container needing one
   * fails the test).
   */
  private static final class PodOnRunc implements AutoCloseable {
    static final long UID = 1000680000L;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);
    private final Pod pod;
    private final Path dir;
    private final Map<String, RuncImage> pulled = new HashMap<>();

    PodOnRunc(Pod pod, Path dir) throws IOException {
      this.pod = pod;
      this.dir = dir;
      for (Volume v : pod.getSpec().getVolumes()) {
        if (v.getEmptyDir() != null || v.getDownwardAPI() != null || v.getProjected() != null) {
          Path host = Files.createDirectories(volume(v.getName()));
          Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
      }
    }

    Path volume(String name) {
      return dir.resolve("volumes").resolve(name);
    }

    Path terminationFile(Container c) {
      return dir.resolve("termination").resolve(c.getName());
    }

    RuncContainer.Exit run(Container c) throws IOException {
      assertThat(c.getWorkingDir()).as("%s: working directory", c.getName()).isIn(null, "/");
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvVar e : c.getEnv()) {
        assertThat(e.getValueFrom()).as("%s: env %s", c.getName(), e.getName()).isNull();
        env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
      }
      List<RuncOptions.Bind> binds = new ArrayList<>();
      for (VolumeMount m : c.getVolumeMounts()) {
        assertThat(m.getSubPath()).as("%s: subPath", c.getName()).isNullOrEmpty();
        Path host = volume(m.getName());
        assertThat(host).as("%s: volume %s", c.getName(), m.getName()).isDirectory();
        binds.add(
            new RuncOptions.Bind(host, m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
      }
      if (c.getTerminationMessagePath() != null) {
        Path file = terminationFile(c);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        binds.add(new RuncOptions.Bind(file, c.getTerminationMessagePath(), false));
      }
      RuncImage image = pulled.computeIfAbsent(c.getImage(), RuncImage::pull);
      RuncOptions options =
          new RuncOptions(
              UID,
              0,
              c.getCommand().isEmpty() ? Optional.empty() : Optional.of(c.getCommand()),
              c.getArgs(),
              env,
              true,
              true,
              binds,
              false);
      return image.run(options, RUN_TIMEOUT);
    }

    @Override
    public void close() {
      pulled.values().forEach(RuncImage::close);
    }
  }

  /**
   * A TaskRun with one step that has a working directory and a script (so all three of Tekton's
   * init containers appear) and a result (the results sidecar); the step's securityContext is the
   * one {@code manifests/tekton/scan-image.yaml} ships, or none.
   */
  static String restrictedTaskRun(String name, boolean stepSecurityContext) {
    String securityContext =
        stepSecurityContext
            ? """
              securityContext:
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
                seccompProfile:
                  type: RuntimeDefault
              """
            : "";
    return """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
        spec:
          taskSpec:
            results:
              - name: digest
            steps:
              - name: scan
                image: example.invalid/tools:1
                workingDir: src
        %s
                script: |
                  printf sha256:0 > $(results.digest.path)
        """
        .formatted(name, securityContext.indent(8));
  }

  /**
   * What the {@code restricted} Pod Security level (Kubernetes 1.34) requires of one container and
   * it lacks, the pod's securityContext filling in where the level allows.
   */
  static List<String> restrictedViolations(Pod pod, Container c) {
    SecurityContext sc =
        Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
    PodSecurityContext psc =
        Optional.ofNullable(pod.getSpec().getSecurityContext()).orElseGet(PodSecurityContext::new);
    List<String> violations = new ArrayList<>();
    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      violations.add("allowPrivilegeEscalation is not false");
    }
    if (sc.getCapabilities() == null
        || sc.getCapabilities().getDrop() == null
        || !sc.getCapabilities().getDrop().contains("ALL")) {
      violations.add("capabilities do not drop ALL");
    }
    if (!Boolean.TRUE.equals(first(sc.getRunAsNonRoot(), psc.getRunAsNonRoot()))) {
      violations.add("runAsNonRoot is not true");
    }
    Object seccomp =
        first(
            sc.getSeccompProfile() == null ? null : sc.getSeccompProfile().getType(),
            psc.getSeccompProfile() == null ? null : psc.getSeccompProfile().getType());
    if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
      violations.add("seccompProfile is not RuntimeDefault or Localhost");
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      violations.add("privileged");
    }
    if (Long.valueOf(0).equals(first(sc.getRunAsUser(), psc.getRunAsUser()))) {
      violations.add("runAsUser is 0");
    }
    return violations;
  }

  private static <T> T first(T container, T pod) {
    return container != null ? container : pod;
  }

  private void create(String ns, String yaml) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(ns);
    admin.resource(resource).create();
  }

  /** The TaskRun's pod, once created; fails at once with the TaskRun's message if it failed. */
  private Pod awaitPod(String ns, String taskRun) {
    Awaiting.until(
        "the controller creates the Pod of TaskRun " + taskRun + " or fails it",
        () ->
            !admin.pods().inNamespace(ns).list().getItems().isEmpty()
                || "False".equals(succeeded(ns, taskRun).get("status")));
    assertThat(admin.pods().inNamespace(ns).list().getItems())
        .as("pods of TaskRun %s, whose Succeeded condition is %s", taskRun, succeeded(ns, taskRun))
        .isNotEmpty();
    return admin.pods().inNamespace(ns).list().getItems().getFirst();
  }

  private Map<String, Object> awaitFailed(String ns, String name) {
    Awaiting.until(
        "the TaskRun " + name + " fails", () -> "False".equals(succeeded(ns, name).get("status")));
    return succeeded(ns, name);
  }

  private Map<String, Object> succeeded(String ns, String name) {
    return succeeded(
        admin
            .genericKubernetesResources("tekton.dev/v1", "TaskRun")
            .inNamespace(ns)
            .withName(name)
            .get());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> succeeded(GenericKubernetesResource r) {
    Object status = r == null ? null : r.getAdditionalProperties().get("status");
    Object conditions = status instanceof Map<?, ?> m ? m.get("conditions") : null;
    if (conditions instanceof List<?> list) {
      return list.stream()
          .filter(c -> c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type")))
          .map(c -> (Map<String, Object>) c)
          .findFirst()
          .orElse(Map.of());
    }
    return Map.of();
  }
}
