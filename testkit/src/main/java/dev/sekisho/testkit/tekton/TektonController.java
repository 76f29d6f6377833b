package dev.sekisho.testkit.tekton;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.SekishoCrds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tekton Pipelines' real controller ({@code github.com/tektoncd/pipeline/cmd/controller}, built
 * from its Go module by {@code hack/tekton-binaries.sh}) as a subprocess reconciling against a test
 * {@link KubeApiServer}: Tekton's own CRDs, its configuration ConfigMaps in {@value
 * #SYSTEM_NAMESPACE}, and the controller with the flags and environment of Tekton's Deployment.
 *
 * <p>What differs from a cluster install, and why:
 *
 * <ul>
 *   <li>No Tekton webhook runs. The CRDs are applied without their conversion webhook (every object
 *       the tests create is in the storage version, so the API server never has to convert), and
 *       nothing validates or defaults objects at admission: the controller applies defaults itself
 *       when it reconciles, and it validates Pipelines and Tasks when it resolves them.
 *   <li>High availability (leader election) is off ({@code -disable-ha}): one replica.
 *   <li>Every listener the controller opens binds 127.0.0.1 on a free port: its probe server,
 *       knative's default probe server and the profiling server (the binary is patched for the
 *       address, see {@code hack/tekton-binaries.sh}); metrics are off ({@code
 *       metrics.backend-destination: none}).
 *   <li>The images of Tekton's own helper containers (entrypoint, nop, shell…) are, by default,
 *       names under the reserved {@code .invalid} domain: nothing pulls them; the node agent that
 *       plays the kubelet recognises the containers by role, not by image. For a real node, {@link
 *       Builder#images} names the images {@link TektonImages} built and pushed to a test registry.
 * </ul>
 *
 * <p>Tasks run by these tests must give their steps a {@code command} or a {@code script}: for a
 * step without one, the controller would look up the image's entrypoint in its registry.
 *
 * <p>{@link #close()} stops the process (and anything it started); the log stays in the file given
 * to {@link Builder#logFile(Path)}.
 */
public final class TektonController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TektonController.class);

  /** The namespace the controller reads its configuration from, as in a release install. */
  public static final String SYSTEM_NAMESPACE = "tekton-pipelines";

  private static final TektonImages.References PLACEHOLDERS =
      TektonImages.References.placeholders();

  /** Default image of the {@code prepare} init container that installs Tekton's entrypoint. */
  public static final String ENTRYPOINT_IMAGE = PLACEHOLDERS.entrypoint();

  /** Default image used to stop sidecars. */
  public static final String NOP_IMAGE = PLACEHOLDERS.nop();

  /** Default image of the sidecar that reads results when results-from is sidecar-logs. */
  public static final String SIDECAR_LOG_RESULTS_IMAGE = PLACEHOLDERS.sidecarLogResults();

  /** Default image of the {@code working-dir-initializer} init container. */
  public static final String WORKING_DIR_INIT_IMAGE = PLACEHOLDERS.workingDirInit();

  /** Default image of the {@code place-scripts} init container (a POSIX shell). */
  public static final String SHELL_IMAGE = PLACEHOLDERS.shell();

  /** Image Tekton uses for scripts on Windows nodes (never used here). */
  public static final String SHELL_IMAGE_WIN = PLACEHOLDERS.shellWindows();

  /** The log line knative's main prints once informers are synced and reconcilers start. */
  static final String READY_LINE = "Starting controllers...";

  private static final String FIELD_MANAGER = "sekisho-testkit";
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final long ESTABLISH_TIMEOUT_SECONDS = 60;

  private final Process process;
  private final Path logFile;
  private final Duration startupTime;
  private final Thread hook;
  private volatile boolean closed;

  private TektonController(Process process, Path logFile, Duration startupTime, Thread hook) {
    this.process = process;
    this.logFile = logFile;
    this.startupTime = startupTime;
    this.hook = hook;
  }

  /** A controller for the given API server, from the release in the default cache. */
  public static Builder builder(KubeApiServer kube) {
    return new Builder(kube);
  }

  /** Configures and starts a {@link TektonController}. */
  public static final class Builder {
    private final KubeApiServer kube;
    private TektonRelease release = TektonRelease.fromEnvironment();
    private Path logFile;
    private TektonImages.References images = PLACEHOLDERS;
    private final Map<String, String> featureFlags = new LinkedHashMap<>();

    private Builder(KubeApiServer kube) {
      this.kube = kube;
    }

    /** The release to run (default: {@link TektonRelease#fromEnvironment()}). */
    public Builder release(TektonRelease release) {
      this.release = release;
      return this;
    }

    /** Where the controller's output goes (default: a temporary file). */
    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /**
     * The images the controller puts into pods (default: {@link
     * TektonImages.References#placeholders()}, names nothing can pull); {@link TektonImages#push}
     * gives the real ones.
     */
    public Builder images(TektonImages.References images) {
      this.images = Objects.requireNonNull(images, "images");
      return this;
    }

    /** Overrides one key of the {@code feature-flags} ConfigMap (release defaults otherwise). */
    public Builder featureFlag(String key, String value) {
      featureFlags.put(key, value);
      return this;
    }

    /**
     * Installs the CRDs and the configuration, starts the controller and waits until its
     * reconcilers run.
     *
     * @throws IllegalStateException when the release is missing (naming the script that provides
     *     it) or the controller exits or hangs during startup (with the tail of its log)
     */
    public TektonController start() {
      if (!release.missing().isEmpty()) {
        throw new IllegalStateException(release.missingMessage());
      }
      Path output = logFile;
      try {
        if (output == null) {
          output = Files.createTempFile("tekton-controller-", ".log");
        } else {
          Files.createDirectories(output.toAbsolutePath().getParent());
          Files.deleteIfExists(output);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the controller log " + output, e);
      }
      long began = System.nanoTime();
      KubernetesClient admin = kube.adminClient();
      installCrds(admin, release);
      applyConfig(admin, release, featureFlags);
      Process process = launch(kube, release, images, output);
      // registered at once, so a JVM that exits while the controller starts still stops it
      Thread hook =
          new Thread(
              () -> {
                process.toHandle().descendants().forEach(ProcessHandle::destroy);
                stop(process);
              },
              "tekton-controller-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        awaitStarted(process, output);
      } catch (RuntimeException e) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs anyway
        }
        throw e;
      }
      Duration startup = Duration.ofNanos(System.nanoTime() - began);
      log.info(
          "Tekton Pipelines v{} controller (pid {}) reconciling after {} ms; log {}",
          release.version(),
          process.pid(),
          startup.toMillis(),
          output.toAbsolutePath());
      return new TektonController(process, output, startup, hook);
    }
  }

  // ---------------------------------------------------------------- installation

  /**
   * Applies Tekton's CRDs without their conversion webhook and waits until all are Established.
   * Idempotent.
   */
  public static void installCrds(KubernetesClient admin, TektonRelease release) {
    List<String> names = new ArrayList<>();
    for (Path file : yamlFiles(release.crds())) {
      CustomResourceDefinition crd;
      try {
        crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot read Tekton's CRD " + file + ": " + e, e);
      }
      // The conversion webhook is Tekton's webhook Service, which does not run here. Without it
      // the API server converts between served versions by changing apiVersion only ("None"),
      // which is exact for objects created in the storage version, as all of these tests do.
      crd.getSpec().setConversion(null);
      admin.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      names.add(crd.getMetadata().getName());
    }
    for (String name : names) {
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              SekishoCrds::established, ESTABLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * Creates {@value #SYSTEM_NAMESPACE} and applies the release's ConfigMaps ({@code
   * config/config-*.yaml}) with metrics turned off and the given feature flags.
   */
  static void applyConfig(
      KubernetesClient admin, TektonRelease release, Map<String, String> featureFlags) {
    if (admin.namespaces().withName(SYSTEM_NAMESPACE).get() == null) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(SYSTEM_NAMESPACE)
                  .endMetadata()
                  .build())
          .create();
    }
    for (Path file : yamlFiles(release.config())) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = admin.load(in).items();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot read Tekton's ConfigMap " + file + ": " + e, e);
      }
      for (HasMetadata item : items) {
        if (!(item instanceof ConfigMap map)) {
          continue;
        }
        Map<String, String> data = new HashMap<>(map.getData() == null ? Map.of() : map.getData());
        switch (map.getMetadata().getName()) {
          // No metrics server: the tests read nothing from it, and it would be one more listener.
          case "config-observability" -> data.put("metrics.backend-destination", "none");
          case "feature-flags" -> data.putAll(featureFlags);
          default -> {}
        }
        map.setData(data);
        map.getMetadata().setNamespace(SYSTEM_NAMESPACE);
        admin.resource(map).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      }
    }
  }

  // ---------------------------------------------------------------- the process

  private static Process launch(
      KubeApiServer kube, TektonRelease release, TektonImages.References images, Path output) {
    List<String> command = new ArrayList<>();
    command.add(release.controller().toString());
    command.add("-kubeconfig=" + kube.kubeconfig());
    command.add("-disable-ha");
    command.addAll(images.controllerFlags());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    Map<String, String> env = builder.environment();
    // The environment of Tekton's controller Deployment (config/controller.yaml).
    env.put("SYSTEM_NAMESPACE", SYSTEM_NAMESPACE);
    env.put("CONFIG_DEFAULTS_NAME", "config-defaults");
    env.put("CONFIG_LOGGING_NAME", "config-logging");
    env.put("CONFIG_OBSERVABILITY_NAME", "config-observability");
    env.put("CONFIG_FEATURE_FLAGS_NAME", "feature-flags");
    env.put("CONFIG_LEADERELECTION_NAME", "config-leader-election-controller");
    env.put("CONFIG_SPIRE", "config-spire");
    env.put("METRICS_DOMAIN", "tekton.dev/pipeline");
    // Listeners: the patched binary binds them to 127.0.0.1; port 0 lets the kernel pick a free
    // one. The Prometheus host only matters if someone turns metrics back on.
    env.put("PROBES_PORT", "0");
    env.put("PROFILING_PORT", "0");
    env.put("METRICS_PROMETHEUS_HOST", "127.0.0.1");
    env.remove("KUBECONFIG");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + release.controller(), e);
    }
  }

  private static void awaitStarted(Process process, Path output) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (logContains(output, READY_LINE)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Tekton's controller exited with status "
                + process.exitValue()
                + " during startup; last log lines:\n"
                + tail(output));
      }
      if (System.nanoTime() > deadline) {
        stop(process);
        throw new IllegalStateException(
            "Tekton's controller did not start its reconcilers within "
                + STARTUP_TIMEOUT.toSeconds()
                + " s; last log lines:\n"
                + tail(output));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop(process);
        throw new IllegalStateException("interrupted while Tekton's controller started", e);
      }
    }
  }

  private static boolean logContains(Path file, String text) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      if (yaml.isEmpty()) {
        throw new IllegalStateException("no *.yaml in " + dir);
      }
      return yaml;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  // ---------------------------------------------------------------- what tests use

  /** The controller's process id. */
  public long pid() {
    return process.pid();
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file with the controller's output (zap JSON lines). */
  public Path logFile() {
    return logFile;
  }

  /** The last lines of the controller's log, for failure messages. */
  public String logTail() {
    return tail(logFile);
  }

  /** How long installing the CRDs and configuration and starting the controller took. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Stops the controller and the processes it started. Idempotent; the log file stays. */
  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook runs or has run stopProcess, which is idempotent
    }
  }

  private synchronized void stopProcess() {
    if (closed) {
      return;
    }
    closed = true;
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    stop(process);
  }

  private static void stop(Process process) {
    ChildProcess.stop(process, STOP_TIMEOUT);
  }

  @Override
  public String toString() {
    return "TektonController[pid " + process.pid() + ", log " + logFile + "]";
  }
}
