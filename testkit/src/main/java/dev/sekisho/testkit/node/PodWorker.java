package dev.sekisho.testkit.node;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extension.ExtensibleResource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet for one pod: binds it, prepares its sandbox, runs its init containers in order
 * and then its containers together (Tekton's entrypoints order the steps among themselves), and
 * writes the pod status as the kubelet would at each change.
 */
final class PodWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PodWorker.class);

  /** Reason in the pod status when the agent cannot run a pod. */
  static final String UNSUPPORTED = "NodeAgentUnsupported";

  private final AgentSettings settings;
  private final ExecutorService executor;
  private final Consumer<RanContainer> recorder;
  private final String namespace;
  private final String name;
  private final String uid;
  private final PodSandbox sandbox;
  private volatile Pod latest;
  private volatile boolean killRequested;
  private volatile boolean deleted;
  private volatile boolean stopped; // agent closed: no more API calls
  private volatile boolean finished;
  private final java.util.concurrent.atomic.AtomicBoolean deleteSent =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final List<ContainerRun> runs = new ArrayList<>();
  private final Object publishing = new Object();

  // status model, guarded by this
  private final Map<String, CState> initStates = new LinkedHashMap<>();
  private final Map<String, CState> states = new LinkedHashMap<>();
  private String phase; // set only to force Failed; otherwise computed as the kubelet does
  private String reason;
  private String message;
  private Instant startTime;
  private boolean initialized;
  private boolean sandboxReady;
  private final Map<String, String[]> transitions = new LinkedHashMap<>(); // type -> status, time

  private static final class CState {
    final String name;
    final String image;
    String waitingReason = "PodInitializing";
    String waitingMessage;
    Instant startedAt;
    Instant finishedAt;
    Integer exitCode;
    String reason;
    String message;

    CState(Container c) {
      this.name = c.getName();
      this.image = c.getImage();
    }
  }

  PodWorker(
      AgentSettings settings, ExecutorService executor, Consumer<RanContainer> recorder, Pod pod) {
    this.settings = settings;
    this.executor = executor;
    this.recorder = recorder;
    this.latest = pod;
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
    this.sandbox =
        new PodSandbox(
            settings.client(),
            settings.workDir().resolve("pods").resolve(namespace + "_" + name + "_" + uid),
            settings.podIp());
    for (Container c : nullToEmpty(pod.getSpec().getInitContainers())) {
      initStates.put(c.getName(), new CState(c));
    }
    for (Container c : nullToEmpty(pod.getSpec().getContainers())) {
      states.put(c.getName(), new CState(c));
    }
  }

  /** A newer version of the pod from the watch. */
  void update(Pod pod) {
    latest = pod;
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deleted = true;
      killRequested = true;
      if (finished) {
        try {
          executor.submit(this::forceDelete); // off the watch's thread
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // the agent is closing
        }
      }
      return;
    }
    try {
      sandbox.refreshDownward(pod);
    } catch (IOException | RuntimeException e) {
      log.warn("{}/{}: cannot refresh downwardAPI files: {}", namespace, name, e.toString());
    }
  }

  /** The pod is gone from the API server. */
  void gone() {
    stopped = true;
    killRequested = true;
  }

  /** The agent closes: kill everything, make no more API calls. */
  void stop() {
    stopped = true;
    killRequested = true;
    synchronized (runs) {
      runs.forEach(ContainerRun::kill);
    }
  }

  @Override
  public void run() {
    Thread.currentThread()
        .setName("node-agent-" + settings.nodeName() + " pod " + namespace + "/" + name);
    try {
      runPod();
    } catch (RuntimeException | IOException e) {
      log.warn("{}/{}: node agent failed to run the pod: {}", namespace, name, e.toString(), e);
      if (!stopped) {
        synchronized (this) {
          phase = "Failed";
          reason = UNSUPPORTED;
          message = "the Sekisho node agent failed: " + e;
        }
        publish();
      }
    } finally {
      synchronized (runs) {
        runs.forEach(ContainerRun::kill);
      }
      finished = true;
      if (deleted && !stopped) {
        forceDelete();
      }
    }
  }

  private void runPod() throws IOException {
    if (!bind()) {
      return;
    }
    Pod pod = latest;
    synchronized (this) {
      startTime = Instant.now();
    }
    List<String> why = new ArrayList<>(PodSandbox.unsupported(pod));
    if (pod.getSpec().getOs() != null && !"linux".equals(pod.getSpec().getOs().getName())) {
      why.add("spec.os.name " + pod.getSpec().getOs().getName() + ": the node runs linux");
    }
    if (!why.isEmpty()) {
      synchronized (this) {
        phase = "Failed";
        reason = UNSUPPORTED;
        message = "the Sekisho node agent cannot run this pod: " + String.join("; ", why);
      }
      publish();
      return;
    }
    publish();
    // volumes: the kubelet retries until they can be set up (or the pod is deleted)
    while (true) {
      try {
        sandbox.prepare(latest);
        synchronized (this) {
          sandboxReady = true;
          for (CState s : firstToStart()) {
            s.waitingReason = "PodInitializing";
            s.waitingMessage = null;
          }
        }
        break;
      } catch (IOException e) {
        synchronized (this) {
          for (CState s : firstToStart()) {
            s.waitingReason = "ContainerCreating";
            s.waitingMessage = e.getMessage();
          }
        }
        publish();
        if (!pause(Duration.ofSeconds(1))) {
          return;
        }
      }
    }
    // init containers, in order
    for (Container c : nullToEmpty(pod.getSpec().getInitContainers())) {
      if (killRequested) {
        return;
      }
      int exit = runContainer(c, true, initStates.get(c.getName()));
      if (exit < 0) {
        return; // config error: stays waiting, like the kubelet
      }
      if (exit != 0) {
        synchronized (this) {
          phase = "Failed";
          for (CState s : states.values()) {
            s.waitingReason = "PodInitializing";
          }
        }
        publish();
        return;
      }
    }
    boolean tekton =
        pod.getMetadata().getLabels() != null
            && pod.getMetadata().getLabels().containsKey("tekton.dev/taskRun");
    synchronized (this) {
      initialized = true;
      Instant now = Instant.now();
      for (Map.Entry<String, CState> e : states.entrySet()) {
        CState s = e.getValue();
        if (tekton && !e.getKey().startsWith("step-")) {
          s.startedAt = now;
          s.finishedAt = now;
          s.exitCode = 0;
          s.reason = "NotRunByNodeAgent";
          s.message = "the Sekisho node agent does not run sidecars";
        }
      }
    }
    List<Future<?>> futures = new ArrayList<>();
    for (Container c : nullToEmpty(pod.getSpec().getContainers())) {
      if (tekton && !c.getName().startsWith("step-")) {
        continue;
      }
      futures.add(executor.submit(() -> runContainer(c, false, states.get(c.getName()))));
    }
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    Instant deadlineAt = deadline == null ? null : startTime.plusSeconds(deadline);
    while (!futures.stream().allMatch(Future::isDone)) {
      if (deadlineAt != null && Instant.now().isAfter(deadlineAt) && !killRequested) {
        synchronized (this) {
          reason = "DeadlineExceeded";
          message = "Pod was active on the node longer than the specified deadline";
        }
        killRequested = true;
        synchronized (runs) {
          runs.forEach(ContainerRun::kill);
        }
      }
      if (!pause(Duration.ofMillis(100)) && stopped) {
        return;
      }
    }
    publish();
  }

  // the kubelet's getPhase for restartPolicy Never
  private String phase() {
    if (phase != null) {
      return phase;
    }
    if (!initialized) {
      return "Pending";
    }
    if (states.values().stream().anyMatch(s -> s.startedAt == null)) {
      return "Pending";
    }
    if (states.values().stream().anyMatch(s -> s.exitCode == null)) {
      return "Running";
    }
    boolean allOk = states.values().stream().allMatch(s -> s.exitCode == 0);
    return allOk && reason == null ? "Succeeded" : "Failed";
  }

  /** Runs one container; its exit code, or -1 when it could not start (config error). */
  private int runContainer(Container c, boolean init, CState state) {
    ContainerRun run = new ContainerRun(settings, latest, c, sandbox, () -> killRequested);
    synchronized (runs) {
      runs.add(run);
    }
    ContainerRun.Prepared prepared;
    try {
      prepared = run.prepare();
    } catch (ContainerRun.ConfigError e) {
      synchronized (this) {
        state.waitingReason = "CreateContainerConfigError";
        state.waitingMessage = e.getMessage();
      }
      publish();
      return -1;
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        state.waitingReason = "CreateContainerError";
        state.waitingMessage = e.toString();
      }
      publish();
      return -1;
    }
    Instant started = Instant.now();
    synchronized (this) {
      if (state.startedAt == null) {
        state.startedAt = started;
      }
      state.waitingReason = null;
      state.waitingMessage = null;
    }
    if (init) {
      publish();
    } else if (allStarted()) {
      publish();
    }
    int exit;
    try {
      exit = run.run(prepared);
    } catch (IOException | RuntimeException e) {
      run.append("node agent: " + e);
      log.warn("{}/{} {}: {}", namespace, name, c.getName(), e.toString(), e);
      exit = 128;
    }
    if (killRequested && exit != 0) {
      exit = ContainerRun.KILLED;
    }
    String terminationMessage = run.terminationMessage(prepared.mapper(), exit);
    Instant finishedAt = Instant.now();
    synchronized (this) {
      state.exitCode = exit;
      state.finishedAt = finishedAt;
      state.reason = exit == 0 ? "Completed" : "Error";
      state.message = terminationMessage.isEmpty() ? null : terminationMessage;
    }
    recorder.accept(
        new RanContainer(
            namespace,
            name,
            c.getName(),
            init,
            c.getImage(),
            run.hostCommand(),
            exit,
            state.startedAt,
            finishedAt,
            run.output(),
            terminationMessage));
    publish();
    return exit;
  }

  // the kubelet starts a pod's containers in one sync: report them once all have started (or
  // failed to start)
  private synchronized boolean allStarted() {
    return states.values().stream()
        .allMatch(
            s ->
                s.startedAt != null
                    || s.waitingReason != null && s.waitingReason.startsWith("Create"));
  }

  private synchronized List<CState> firstToStart() {
    List<CState> l = new ArrayList<>(initStates.values());
    l.addAll(states.values());
    return l;
  }

  private boolean bind() {
    Pod pod = latest;
    String node = pod.getSpec().getNodeName();
    if (node != null && !node.isEmpty()) {
      return node.equals(settings.nodeName());
    }
    try {
      settings
          .client()
          .bindings()
          .inNamespace(namespace)
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .withUid(uid)
                  .endMetadata()
                  .withNewTarget()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(settings.nodeName())
                  .endTarget()
                  .build())
          .create();
      return true;
    } catch (KubernetesClientException e) {
      Pod now = settings.client().pods().inNamespace(namespace).withName(name).get();
      if (now != null && settings.nodeName().equals(now.getSpec().getNodeName())) {
        latest = now;
        return true;
      }
      log.warn(
          "{}/{}: cannot bind to {}: {}", namespace, name, settings.nodeName(), e.getMessage());
      return false;
    }
  }

  private void forceDelete() {
    if (stopped || !deleteSent.compareAndSet(false, true)) {
      return;
    }
    try {
      @SuppressWarnings("unchecked")
      ExtensibleResource<Pod> r =
          (ExtensibleResource<Pod>) settings.client().pods().inNamespace(namespace).withName(name);
      r.withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        log.warn(
            "{}/{}: cannot finish deletion (HTTP {}): {}",
            namespace,
            name,
            e.getCode(),
            e.toString());
      }
    }
  }

  /**
   * Writes the pod status as a whole (JSON patch {@code replace /status}). Snapshots are taken and
   * sent one at a time, so an older one never overwrites a newer one (the API server also refuses a
   * terminated container going back to running).
   */
  private void publish() {
    synchronized (publishing) {
      if (stopped) {
        return;
      }
      PodStatus status;
      synchronized (this) {
        status = status();
      }
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("op", "replace");
      op.put("path", "/status");
      op.put("value", status);
      String patch = settings.client().getKubernetesSerialization().asJson(List.of(op));
      try {
        settings
            .client()
            .pods()
            .inNamespace(namespace)
            .withName(name)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON), patch);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          stopped = true;
          killRequested = true;
        } else if (stopped) {
          log.debug(
              "{}/{}: status not written, the agent closes: {}", namespace, name, e.toString());
        } else {
          log.warn(
              "{}/{}: cannot write the pod status (HTTP {}): {}",
              namespace,
              name,
              e.getCode(),
              e.getCause() != null ? e.getMessage() + ": " + e.getCause() : e.getMessage());
        }
      }
    }
  }

  private PodStatus status() {
    Pod pod = latest;
    String now = time(Instant.now());
    boolean allInitDone =
        initStates.values().stream().allMatch(s -> s.exitCode != null && s.exitCode == 0);
    String phase = phase();
    boolean containersReady =
        "Running".equals(phase)
            && states.values().stream().allMatch(s -> s.startedAt != null && s.exitCode == null);
    boolean done = "Succeeded".equals(phase) || "Failed".equals(phase);
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("PodReadyToStartContainers", sandboxReady, null, now));
    conditions.add(
        condition(
            "Initialized",
            initialized || allInitDone,
            initialized || allInitDone ? null : "ContainersNotInitialized",
            now));
    conditions.add(
        condition(
            "Ready",
            containersReady,
            containersReady ? null : done ? "PodCompleted" : "ContainersNotReady",
            now));
    conditions.add(
        condition(
            "ContainersReady",
            containersReady,
            containersReady ? null : done ? "PodCompleted" : "ContainersNotReady",
            now));
    conditions.add(condition("PodScheduled", true, null, now));
    PodStatusBuilder b =
        new PodStatusBuilder()
            .withPhase(phase)
            .withReason(reason)
            .withMessage(message)
            .withHostIP(settings.podIp())
            .addNewHostIP(settings.podIp())
            .withPodIP(settings.podIp())
            .addNewPodIP(settings.podIp())
            .withStartTime(startTime == null ? null : time(startTime))
            .withQosClass(pod.getStatus() == null ? null : pod.getStatus().getQosClass())
            .withConditions(conditions);
    for (CState s : initStates.values()) {
      b.addToInitContainerStatuses(containerStatus(s, true));
    }
    for (CState s : states.values()) {
      b.addToContainerStatuses(containerStatus(s, false));
    }
    return b.build();
  }

  private ContainerStatus containerStatus(CState s, boolean init) {
    ContainerState state;
    boolean ready = false;
    if (s.exitCode != null) {
      state =
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(s.exitCode)
              .withReason(s.reason)
              .withMessage(s.message)
              .withStartedAt(time(s.startedAt))
              .withFinishedAt(time(s.finishedAt))
              .withContainerID(containerId(s))
              .endTerminated()
              .build();
    } else if (s.startedAt != null) {
      state =
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt(time(s.startedAt))
              .endRunning()
              .build();
      ready = !init;
    } else {
      state =
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason(s.waitingReason)
              .withMessage(s.waitingMessage)
              .endWaiting()
              .build();
    }
    return new ContainerStatusBuilder()
        .withName(s.name)
        .withImage(s.image)
        .withImageID(s.image)
        .withContainerID(s.startedAt == null ? null : containerId(s))
        .withReady(ready)
        .withStarted(s.startedAt != null && s.exitCode == null)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  private String containerId(CState s) {
    return "sekisho-node-agent://" + uid + "/" + s.name;
  }

  // lastTransitionTime changes only when the condition's status does
  private PodCondition condition(String type, boolean ok, String reason, String now) {
    String status = ok ? "True" : "False";
    String[] last = transitions.get(type);
    if (last == null || !last[0].equals(status)) {
      last = new String[] {status, now};
      transitions.put(type, last);
    }
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withLastTransitionTime(last[1])
        .build();
  }

  private static String time(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private boolean pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return !killRequested;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killRequested = true;
      return false;
    }
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
