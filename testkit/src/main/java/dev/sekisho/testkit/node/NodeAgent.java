package dev.sekisho.testkit.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal node agent that plays the kubelet for Tekton's pods in tests, on a cluster made of a
 * bare kube-apiserver (no scheduler, no kubelet): it registers a Ready {@code Node}, binds every
 * unscheduled pod to it, and runs the pod's containers as processes on this machine, reporting
 * their states and termination messages in the pod status as a kubelet would.
 *
 * <pre>{@code
 * try (NodeAgent agent =
 *     NodeAgent.builder(client)
 *         .nodeName("sekisho-e2e-node")
 *         .workDir(tempDir)
 *         .stepImage("ghcr.io/sekisho/sekisho-task", List.of(javaBin, "-jar", sekishoJar))
 *         .start()) {
 *   // create a TaskRun; Tekton's controller creates the pod; the agent runs it
 *   agent.ranSteps(); // what ran, with exit codes and output files
 * }
 * }</pre>
 *
 * <p>What it does:
 *
 * <ul>
 *   <li>Pods: watches pods in all namespaces (or those given to {@link
 *       Builder#namespaces(String...)}), binds unscheduled ones (Binding subresource) and runs
 *       those bound to its node. A pod it cannot run (volume types other than emptyDir, configMap,
 *       secret, downwardAPI, projected; a non-linux {@code spec.os}) gets phase {@code Failed} with
 *       reason {@code NodeAgentUnsupported} and a message saying why.
 *   <li>Volumes live in a per-pod sandbox directory under {@link Builder#workDir(Path)}; mounted
 *       paths in commands, arguments, environment values, working directories and script bodies are
 *       rewritten to sandbox paths ({@link PathMapper}). A projected ServiceAccount token is a real
 *       token from the TokenRequest API, bound to the pod. See {@link PodSandbox}.
 *   <li>Containers: Tekton's {@code prepare}, {@code place-scripts} and {@code
 *       working-dir-initializer} init containers and its step entrypoint are emulated (see {@link
 *       ContainerRun}); the step's own command runs as a host process. A container whose image
 *       starts with the {@link Builder#stepImage step image} prefix and whose command is {@code
 *       sekisho} runs the configured launcher instead; any other command runs as it is on the host
 *       (scripts through their {@code #!} line, Tekton's default being {@code /bin/sh}). Sidecars
 *       of a Tekton pod are not run: they are reported terminated with exit code 0 and reason
 *       {@code NotRunByNodeAgent}.
 *   <li>Status: containers waiting, running, terminated (exit code, reason Completed/Error,
 *       termination message, start and finish times); phase Pending, Running, Succeeded or Failed;
 *       conditions PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready;
 *       pod and host IP {@code 127.0.0.1}; {@code activeDeadlineSeconds} enforced.
 *   <li>Deletion: a pod with a deletion timestamp has its processes killed and is then deleted with
 *       grace period 0, as a kubelet confirms a deletion.
 * </ul>
 *
 * <p>It does not pull images, isolate processes (no namespaces, cgroups, users, resource limits,
 * read-only mounts or security contexts), run probes, sidecars or restart containers, serve logs or
 * exec, nor refresh tokens. docs/testing.md ("The node agent") has the full list.
 *
 * <p>{@link #close()} stops the watch, kills every process it started, waits for its threads and
 * deletes its Node.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

  /** The node name when none is given. */
  public static final String DEFAULT_NODE_NAME = "sekisho-node-agent";

  /** Pod and host IP the agent reports: processes share the host's network. */
  public static final String POD_IP = "127.0.0.1";

  private final AgentSettings settings;
  private final ExecutorService executor;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
  private final List<RanContainer> ran = new CopyOnWriteArrayList<>();
  private final SharedIndexInformer<Pod> informer;
  private volatile boolean closed;

  private NodeAgent(AgentSettings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("node-agent-" + settings.nodeName() + "-" + n.incrementAndGet())
                    .unstarted(r));
    registerNode();
    this.informer =
        settings
            .client()
            .pods()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    onPod(pod);
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod pod) {
                    onPod(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                    PodWorker w = workers.get(pod.getMetadata().getUid());
                    if (w != null) {
                      w.gone();
                    }
                  }
                },
                0);
  }

  /** Starts building an agent that talks to the API server through {@code client}. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** The name of the agent's Node. */
  public String nodeName() {
    return settings.nodeName();
  }

  /** Every container the agent ran to its end, in the order they ended. */
  public List<RanContainer> ranContainers() {
    return List.copyOf(ran);
  }

  /** The (non-init) containers the agent ran to their end: Tekton's steps. */
  public List<RanContainer> ranSteps() {
    return ran.stream().filter(r -> !r.init()).toList();
  }

  /** The containers of one pod that ran to their end. */
  public List<RanContainer> ranContainers(String namespace, String pod) {
    return ran.stream()
        .filter(r -> r.namespace().equals(namespace) && r.pod().equals(pod))
        .toList();
  }

  /** The sandbox directory of a pod the agent ran (volumes, container logs). */
  public Path sandbox(Pod pod) {
    return settings
        .workDir()
        .resolve("pods")
        .resolve(
            pod.getMetadata().getNamespace()
                + "_"
                + pod.getMetadata().getName()
                + "_"
                + pod.getMetadata().getUid());
  }

  private void onPod(Pod pod) {
    if (closed) {
      return;
    }
    String ns = pod.getMetadata().getNamespace();
    if (!settings.namespaces().isEmpty() && !settings.namespaces().contains(ns)) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    PodWorker existing = workers.get(uid);
    if (existing != null) {
      existing.update(pod);
      return;
    }
    String node = pod.getSpec().getNodeName();
    boolean ours = settings.nodeName().equals(node);
    if (node != null && !node.isEmpty() && !ours) {
      return;
    }
    String scheduler = pod.getSpec().getSchedulerName();
    if (!ours && scheduler != null && !scheduler.equals("default-scheduler")) {
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return; // never started here; an unbound pod is deleted by the API server at once
    }
    PodWorker w = new PodWorker(settings, executor, ran::add, pod);
    if (workers.putIfAbsent(uid, w) == null) {
      executor.submit(w);
    }
  }

  private void registerNode() {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())));
    capacity.put("memory", new Quantity("8Gi"));
    capacity.put("pods", new Quantity("110"));
    capacity.put("ephemeral-storage", new Quantity("20Gi"));
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(settings.nodeName())
            .addToLabels("kubernetes.io/hostname", settings.nodeName())
            .addToLabels("kubernetes.io/os", "linux")
            .addToLabels("kubernetes.io/arch", "amd64")
            .addToLabels("node.sekisho.dev/agent", "true")
            .endMetadata()
            .build();
    var nodes = settings.client().nodes();
    try {
      nodes.resource(node).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    Node withStatus =
        new NodeBuilder(nodes.withName(settings.nodeName()).get())
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("the Sekisho node agent is ready")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(POD_IP)
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(settings.nodeName())
            .endAddress()
            .withCapacity(capacity)
            .withAllocatable(capacity)
            .withNewNodeInfo()
            .withArchitecture("amd64")
            .withOperatingSystem("linux")
            .withOsImage("host processes (Sekisho node agent)")
            .withKubeletVersion("sekisho-node-agent")
            .withKubeProxyVersion("")
            .withContainerRuntimeVersion("sekisho-node-agent://host-processes")
            .withKernelVersion(System.getProperty("os.version"))
            .withMachineID("")
            .withSystemUUID("")
            .withBootID("")
            .endNodeInfo()
            .endStatus()
            .build();
    nodes.resource(withStatus).updateStatus();
  }

  /**
   * Stops watching, kills every process the agent started, waits for its threads and deletes its
   * Node. Pods stay as they are.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    informer.stop();
    workers.values().forEach(PodWorker::stop);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("node agent {}: threads still running after 30 s", settings.nodeName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.values().forEach(PodWorker::stop); // a container started during shutdown
    try {
      settings.client().nodes().withName(settings.nodeName()).delete();
    } catch (KubernetesClientException e) {
      log.debug("cannot delete node {}: {}", settings.nodeName(), e.getMessage());
    }
  }

  /** Builds and starts a {@link NodeAgent}. */
  public static final class Builder {
    private final KubernetesClient client;
    private String nodeName = DEFAULT_NODE_NAME;
    private Path workDir;
    private String stepImagePrefix;
    private List<String> launcher = List.of();
    private final Map<String, String> hostEnv = new LinkedHashMap<>();
    private Set<String> namespaces = Set.of();

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The Node's name (default {@value #DEFAULT_NODE_NAME}). */
    public Builder nodeName(String nodeName) {
      this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
      return this;
    }

    /** Where pod sandboxes go ({@code workDir/pods/NS_NAME_UID}); default a new temp dir. */
    public Builder workDir(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Containers whose image starts with {@code imagePrefix} and whose command is {@code sekisho}
     * (or a path ending in {@code /sekisho}) run {@code launcher} followed by their arguments.
     */
    public Builder stepImage(String imagePrefix, List<String> launcher) {
      this.stepImagePrefix = Objects.requireNonNull(imagePrefix, "imagePrefix");
      this.launcher = List.copyOf(launcher);
      if (this.launcher.isEmpty()) {
        throw new IllegalArgumentException("stepImage: the launcher command is empty");
      }
      return this;
    }

    /**
     * An environment variable for every process the agent starts, below the container's own
     * environment (which wins on a clash).
     */
    public Builder hostEnv(String name, String value) {
      hostEnv.put(name, value);
      return this;
    }

    /** Only run pods in these namespaces (default: all). */
    public Builder namespaces(String... namespaces) {
      this.namespaces = Set.of(namespaces);
      return this;
    }

    /** Registers the Node and starts watching pods. */
    public NodeAgent start() {
      Path dir = workDir;
      try {
        if (dir == null) {
          dir = Files.createTempDirectory("sekisho-node-agent-");
        }
        Files.createDirectories(dir);
        dir = dir.toAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException("node agent: cannot create its work directory", e);
      }
      URL master = client.getMasterUrl();
      Map<String, String> serviceEnv = new LinkedHashMap<>();
      String host = master.getHost();
      String port =
          Integer.toString(master.getPort() > 0 ? master.getPort() : master.getDefaultPort());
      serviceEnv.put("KUBERNETES_SERVICE_HOST", host);
      serviceEnv.put("KUBERNETES_SERVICE_PORT", port);
      serviceEnv.put("KUBERNETES_SERVICE_PORT_HTTPS", port);
      serviceEnv.put("KUBERNETES_PORT", "tcp://" + host + ":" + port);
      serviceEnv.put("KUBERNETES_PORT_443_TCP", "tcp://" + host + ":" + port);
      serviceEnv.put("KUBERNETES_PORT_443_TCP_PROTO", "tcp");
      serviceEnv.put("KUBERNETES_PORT_443_TCP_ADDR", host);
      serviceEnv.put("KUBERNETES_PORT_443_TCP_PORT", port);
      return new NodeAgent(
          new AgentSettings(
              client,
              nodeName,
              dir,
              stepImagePrefix,
              new ArrayList<>(launcher),
              Map.copyOf(hostEnv),
              Map.copyOf(serviceEnv),
              namespaces,
              POD_IP));
    }
  }
}
