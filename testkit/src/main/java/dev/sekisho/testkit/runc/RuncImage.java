package dev.sekisho.testkit.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.testkit.fixtures.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An image pulled from a registry and unpacked for Debian's {@code runc}: {@code skopeo copy} into
 * an OCI layout, {@code umoci unpack} into a root file system. {@link #run} and {@link #start} run
 * containers from it the way a kubelet asks a runtime to: the image's entry point with the pod's
 * arguments and environment, a user id of the test's choice, optionally a read-only root file
 * system with {@code /tmp} on a tmpfs, bind mounts, no capabilities, {@code no_new_privs}, and its
 * own PID, IPC, UTS, mount and network namespaces (the network namespace has only a loopback
 * device, so a container cannot reach anything unless {@link RuncOptions#hostNetwork} shares the
 * machine's).
 *
 * <p>What it does not do: no CNI networking, no cgroup limits beyond runc's defaults, no image
 * garbage collection. It needs root (runc creates namespaces and mounts). {@link #close} removes
 * the unpacked image and every run's state.
 */
public final class RuncImage implements AutoCloseable {
  private static final String SETUP_HINT = "run hack/setup.sh to install the test tools";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Path workDir;
  private final Path rootfs;
  private final ObjectNode template;
  private final JsonNode imageConfig;
  private final ExternalTool runc;

  private RuncImage(
      Path workDir, Path rootfs, ObjectNode template, JsonNode imageConfig, ExternalTool runc) {
    this.workDir = workDir;
    this.rootfs = rootfs;
    this.template = template;
    this.imageConfig = imageConfig;
    this.runc = runc;
  }

  /**
   * Pulls {@code reference} (for example {@code 127.0.0.1:5000/sekisho/task:it}) over plain HTTP
   * and unpacks it into a new temporary directory.
   *
   * @throws IllegalStateException when skopeo, umoci or runc is missing, the test does not run as
   *     root, or the pull or unpack fails
   */
  public static RuncImage pull(String reference) {
    ExternalTool skopeo = ExternalTool.require("skopeo", SETUP_HINT);
    ExternalTool umoci = ExternalTool.require("umoci", SETUP_HINT);
    ExternalTool runc = ExternalTool.require("runc", SETUP_HINT + " (package runc)");
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "running images with runc needs root (namespaces and mounts); user is "
              + System.getProperty("user.name"));
    }
    Path workDir;
    try {
      workDir = Files.createTempDirectory("sekisho-runc-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for runc", e);
    }
    try {
      skopeo.run(
          workDir,
          Duration.ofMinutes(5),
          "copy",
          "--quiet",
          "--src-tls-verify=false",
          "docker://" + reference,
          "oci:" + workDir.resolve("layout") + ":image");
      umoci.run(
          workDir,
          Duration.ofMinutes(5),
          "unpack",
          "--image",
          workDir.resolve("layout") + ":image",
          workDir.resolve("bundle").toString());
      ObjectNode template =
          (ObjectNode) JSON.readTree(workDir.resolve("bundle/config.json").toFile());
      return new RuncImage(
          workDir,
          workDir.resolve("bundle/rootfs"),
          template,
          readImageConfig(workDir.resolve("layout")),
          runc);
    } catch (IOException | RuntimeException e) {
      deleteTree(workDir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot read the unpacked image " + reference, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static JsonNode readImageConfig(Path layout) throws IOException {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").get(0)).toFile());
    return JSON.readTree(blob(layout, manifest.path("config")).toFile()).path("config");
  }

  private static Path blob(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.path("digest").asText().split(":", 2);
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }

  /** The image config's {@code Entrypoint} (empty when it has none). */
  public List<String> entrypoint() {
    return strings(imageConfig.path("Entrypoint"));
  }

  /** The image config's {@code User}. */
  public String user() {
    return imageConfig.path("User").asText();
  }

  /** The image config's {@code Env}. */
  public List<String> env() {
    return strings(imageConfig.path("Env"));
  }

  /** The unpacked root file system (read it to check what the image holds). */
  public Path rootfs() {
    return rootfs;
  }

  /**
   * Runs a container to its end and returns its exit code and output; kills it when it runs longer
   * than {@code timeout}.
   */
  public RuncContainer.Exit run(RuncOptions options, Duration timeout) {
    try (RuncContainer container = start(options)) {
      return container.awaitExit(timeout);
    }
  }

  /** Starts a container in the background; close it to stop it (TERM, then KILL) and clean up. */
  public RuncContainer start(RuncOptions options) {
    String id = "sekisho-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    Path runDir = workDir.resolve("runs").resolve(id);
    try {
      Files.createDirectories(runDir);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(runDir.resolve("config.json").toFile(), spec(options));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the runtime spec in " + runDir, e);
    }
    return RuncContainer.start(runc, workDir.resolve("state"), runDir, id);
  }

  private ObjectNode spec(RuncOptions options) {
    ObjectNode spec = template.deepCopy();
    ObjectNode process = (ObjectNode) spec.get("process");
    process.put("terminal", false);
    process.putObject("user").put("uid", options.uid()).put("gid", options.gid());
    ArrayNode args = process.putArray("args");
    options.command().orElse(entrypoint()).forEach(args::add);
    options.args().forEach(args::add);
    ArrayNode env = (ArrayNode) process.get("env");
    for (Map.Entry<String, String> e : options.env().entrySet()) {
      env.add(e.getKey() + "=" + e.getValue());
    }
    // like a pod's securityContext with capabilities: drop: [ALL]
    process.putObject("capabilities");
    process.put("noNewPrivileges", true);
    ObjectNode root = (ObjectNode) spec.get("root");
    root.put("path", rootfs.toString());
    root.put("readonly", options.readOnlyRoot());
    ArrayNode mounts = (ArrayNode) spec.get("mounts");
    if (options.tmpfsTmp()) {
      ObjectNode tmp = mounts.addObject();
      tmp.put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs");
      tmp.putArray("options").add("nosuid").add("nodev").add("mode=1777");
    }
    for (RuncOptions.Bind bind : options.binds()) {
      ObjectNode m = mounts.addObject();
      m.put("destination", bind.containerPath()).put("type", "bind");
      m.put("source", bind.hostPath().toString());
      ArrayNode opts = m.putArray("options").add("rbind").add("nosuid").add("nodev");
      opts.add(bind.readOnly() ? "ro" : "rw");
    }
    if (options.hostNetwork()) {
      ArrayNode namespaces = (ArrayNode) spec.get("linux").get("namespaces");
      for (int i = namespaces.size() - 1; i >= 0; i--) {
        if ("network".equals(namespaces.get(i).path("type").asText())) {
          namespaces.remove(i);
        }
      }
    }
    return spec;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Override
  public void close() {
    deleteTree(workDir);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort: a busy file is left for the OS to clean
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
