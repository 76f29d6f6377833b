package dev.sekisho.testkit.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.testkit.node.TerminationMessage.Entry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one container of a pod on the host, the way its image would run in a real pod as far as
 * Tekton can tell. Tekton's own binaries are emulated here, since no image is pulled:
 *
 * <ul>
 *   <li>{@code /ko-app/entrypoint init SRC DST STEP...} ({@code prepare}): creates {@code
 *       /tekton/bin} and the {@code /tekton/steps} links ({@code step-init});
 *   <li>{@code sh -c} with Tekton's {@code place-scripts} program: see {@link PlaceScripts};
 *   <li>{@code /ko-app/workingdirinit DIR...}: creates the step working directories;
 *   <li>{@code /tekton/bin/entrypoint ARGS -- CMD...} (every step): Tekton's entrypointer ({@code
 *       pkg/entrypoint/entrypointer.go} {@code Go()} and {@code cmd/entrypoint/main.go}), i.e. wait
 *       for the previous step's post file, run the command as a host process, write the post file,
 *       the exit code file and the termination message, exit as the binary does.
 * </ul>
 *
 * Any other command runs as a host process. Paths are rewritten by the container's {@link
 * PathMapper}.
 */
final class ContainerRun {
  private static final Logger log = LoggerFactory.getLogger(ContainerRun.class);

  /** Exit code of a container killed by the agent (SIGKILL). */
  static final int KILLED = 137;

  static final DateTimeFormatter STARTED_AT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private static final Duration POLL = Duration.ofMillis(100);
  private static final String CANCEL_FILE = "/tekton/downward/cancel";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A missing ConfigMap, Secret or key: the kubelet's CreateContainerConfigError. */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message);
    }
  }

  private final AgentSettings settings;
  private final Pod pod;
  private final Container container;
  private final PodSandbox sandbox;
  private final BooleanSupplier killed;
  private final Path output;
  private volatile Process process;
  private List<String> hostCommand = List.of();

  ContainerRun(
      AgentSettings settings,
      Pod pod,
      Container container,
      PodSandbox sandbox,
      BooleanSupplier killed) {
    this.settings = settings;
    this.pod = pod;
    this.container = container;
    this.sandbox = sandbox;
    this.killed = killed;
    this.output = sandbox.containerDir(container.getName()).resolve("output.log");
  }

  Path output() {
    return output;
  }

  List<String> hostCommand() {
    return hostCommand;
  }

  /** Everything the container needs before it can start; the kubelet's config errors. */
  Prepared prepare() throws ConfigError, IOException {
    Files.createDirectories(output.getParent());
    PathMapper mapper = sandbox.mapper(container);
    Map<String, String> env = resolveEnv();
    return new Prepared(mapper, env);
  }

  record Prepared(PathMapper mapper, Map<String, String> env) {}

  /** Runs the container to its end; returns its exit code. */
  int run(Prepared p) throws IOException {
    PathMapper m = p.mapper();
    Map<String, String> env = p.env();
    List<String> command = expandAll(container.getCommand(), env);
    List<String> args = expandAll(container.getArgs(), env);
    if (command.equals(List.of(EntrypointArgs.BINARY)) || isKoEntrypoint(command)) {
      List<String> all = new ArrayList<>(command.subList(1, command.size()));
      all.addAll(args);
      EntrypointArgs a;
      try {
        a = EntrypointArgs.parse(all);
      } catch (IllegalArgumentException e) {
        append(e.getMessage());
        return 2; // flag.ExitOnError
      }
      if (!a.subcommand().isEmpty()) {
        return subcommand(a.subcommand(), m);
      }
      return tektonStep(a, m, env);
    }
    if (command.equals(List.of("/ko-app/workingdirinit"))) {
      for (String d : args) {
        String p0 = Path.of(d).normalize().toString();
        Files.createDirectories(m.resolve(p0.startsWith("/") ? p0 : "/workspace/" + p0));
      }
      return 0;
    }
    if (PlaceScripts.isPlaceScripts(command, args)) {
      List<String> all = new ArrayList<>(command);
      all.addAll(args);
      try {
        for (PlaceScripts.ScriptFile f : PlaceScripts.parse(all.get(2))) {
          Path host = m.resolve(f.path());
          Files.createDirectories(host.getParent());
          Files.write(host, f.content());
          PodSandbox.setMode(host, 0755);
        }
      } catch (IllegalArgumentException e) {
        append(e.getMessage());
        return 1;
      }
      return 0;
    }
    List<String> full = new ArrayList<>(command);
    full.addAll(args);
    if (full.isEmpty()) {
      append(
          "the node agent cannot run container "
              + container.getName()
              + ": it has no command and no image is pulled to read an ENTRYPOINT from");
      return 1;
    }
    Outcome o = runProcess(hostCommand(full, m), m, env, Optional.empty(), "", "");
    return o.exitCode();
  }

  /** Kills the process tree, if one runs. */
  void kill() {
    Process p = process;
    if (p != null) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /**
   * The kubelet's termination message: the file at terminationMessagePath (at most 4096 bytes), or
   * with {@code FallbackToLogsOnError} the end of the log when the file is empty and the container
   * failed.
   */
  String terminationMessage(PathMapper m, int exitCode) {
    String path =
        container.getTerminationMessagePath() == null
                || container.getTerminationMessagePath().isEmpty()
            ? "/dev/termination-log"
            : container.getTerminationMessagePath();
    String message = "";
    try {
      Path f = m.resolve(path);
      if (Files.isRegularFile(f)) {
        byte[] b = Files.readAllBytes(f);
        message =
            new String(
                b, 0, Math.min(b.length, TerminationMessage.MAX_LENGTH), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      log.debug("cannot read termination message of {}: {}", container.getName(), e.toString());
    }
    if (message.isEmpty()
        && exitCode != 0
        && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
      try {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        String tail =
            String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        message = tail.length() > 2048 ? tail.substring(tail.length() - 2048) : tail;
      } catch (IOException | java.io.UncheckedIOException e) {
        // no log
      }
    }
    return message;
  }

  // --- Tekton's entrypoint -------------------------------------------------------------------

  private int subcommand(List<String> sub, PathMapper m) throws IOException {
    switch (sub.get(0)) {
      case "init" -> {
        if (sub.size() < 3) {
          return 0; // subcommands.Process returns nil: nothing to do
        }
        // "copies" the entrypoint binary: the agent emulates it, so a marker file is enough
        Path dst = m.resolve(sub.get(2));
        Files.createDirectories(dst.getParent());
        Files.writeString(dst, "# emulated by the Sekisho node agent\n");
        return stepInit(sub.subList(3, sub.size()), m);
      }
      case "step-init" -> {
        return stepInit(sub.subList(1, sub.size()), m);
      }
      case "cp" -> {
        if (sub.size() == 3) {
          Path dst = m.resolve(sub.get(2));
          Files.createDirectories(dst.getParent());
          Files.writeString(dst, "# emulated by the Sekisho node agent\n");
        }
        return 0;
      }
      case "decode-script" -> {
        if (sub.size() == 2) {
          Path f = m.resolve(sub.get(1));
          String encoded = Files.readString(f);
          Files.write(f, Base64.getMimeDecoder().decode(encoded.strip()));
        }
        return 0;
      }
      default -> {
        return 0;
      }
    }
  }

  // step-init: /tekton/steps/<name> and /tekton/steps/<index> -> /tekton/run/<index>/status
  private int stepInit(List<String> steps, PathMapper m) throws IOException {
    Path stepDir = m.resolve("/tekton/steps");
    Files.createDirectories(stepDir);
    for (int i = 0; i < steps.size(); i++) {
      // the target is the run volume of step i, which the prepare container does not mount
      Path target = sandbox.volumeDir("tekton-internal-run-" + i).resolve("status");
      Files.createDirectories(target.getParent());
      for (String link : List.of(steps.get(i), Integer.toString(i))) {
        Path l = stepDir.resolve(link);
        if (Files.exists(l, LinkOption.NOFOLLOW_LINKS)) {
          append("step-init error: symlink " + link + ": file exists");
          return 1;
        }
        Files.createSymbolicLink(l, target);
      }
    }
    return 0;
  }

  private int tektonStep(EntrypointArgs a, PathMapper m, Map<String, String> env)
      throws IOException {
    List<Entry> out = new ArrayList<>();
    Path termination = m.resolve(a.terminationPath());
    int exit = goStep(a, m, env, out);
    if (exit == KILLED && killed.getAsBoolean()) {
      return KILLED; // SIGKILLed: nothing more is written
    }
    try {
      TerminationMessage.write(termination, out);
    } catch (IOException e) {
      append("Error while writing message: " + e.getMessage());
      return 1;
    }
    return exit;
  }

  private int goStep(EntrypointArgs a, PathMapper m, Map<String, String> env, List<Entry> out)
      throws IOException {
    String meta = a.stepMetadataDir();
    Files.createDirectories(m.resolve(meta.isEmpty() ? "/" : meta).resolve("results"));
    Files.createDirectories(m.resolve(meta.isEmpty() ? "/" : meta).resolve("artifacts"));
    for (String f : a.waitFiles()) {
      Wait w = waitFor(m.resolve(f), a.waitFileContent());
      if (w == Wait.KILLED) {
        return KILLED;
      }
      if (w == Wait.SKIP) {
        writePostFile(m, a.postFile(), true);
        out.add(Entry.internal("StartedAt", now()));
        out.add(Entry.internal("Reason", "Skipped"));
        append("Skipping step because a previous step failed");
        return 1;
      }
    }
    out.add(Entry.internal("StartedAt", now()));

    String error = null;
    if (!a.unsupportedFlags().isEmpty()) {
      error = "the Sekisho node agent does not emulate " + String.join(" ", a.unsupportedFlags());
    } else if (!a.whenExpressions().isEmpty()) {
      error = "the Sekisho node agent does not emulate step when expressions";
    } else if (a.timeout().isPresent() && a.timeout().get().isNegative()) {
      error = "negative timeout specified";
    }
    if (!a.credentialFlags().isEmpty()) {
      append(
          "node agent: credential flags not emulated (no credentials written): "
              + String.join(" ", a.credentialFlags()));
    }
    int exit;
    if (error != null) {
      append(error);
      writePostFile(m, a.postFile(), true);
      exit = 1;
    } else {
      List<String> cmd;
      try {
        cmd = stepCommand(a, env);
      } catch (IllegalArgumentException e) {
        append(e.getMessage());
        return 1; // log.Fatal before Go(): no termination message
      }
      Outcome o =
          runProcess(hostCommand(cmd, m), m, env, a.timeout(), a.stdoutPath(), a.stderrPath());
      String exitCodeFile = m.resolve(meta.isEmpty() ? "/" : meta).resolve("exitCode").toString();
      switch (o.kind()) {
        case KILLED -> {
          return KILLED;
        }
        case CANCELLED -> {
          out.add(Entry.internal("Reason", "Cancelled"));
          writePostFile(m, a.postFile(), true);
          writeFile(Path.of(exitCodeFile), "killed");
          append("Step was cancelled");
          exit = 9;
        }
        case TIMEOUT -> {
          writePostFile(m, a.postFile(), true);
          out.add(Entry.internal("Reason", "TimeoutExceeded"));
          append("context deadline exceeded");
          exit = 1;
        }
        case START_FAILED -> {
          writePostFile(m, a.postFile(), true);
          exit = 1;
        }
        default -> {
          if (o.exitCode() == 0) {
            writePostFile(m, a.postFile(), false);
            writeFile(Path.of(exitCodeFile), "0");
            exit = 0;
          } else if ("continue".equals(a.onError())) {
            out.add(Entry.internal("ExitCode", Integer.toString(o.exitCode())));
            writePostFile(m, a.postFile(), false);
            writeFile(Path.of(exitCodeFile), Integer.toString(o.exitCode()));
            exit = 0;
          } else {
            writePostFile(m, a.postFile(), true);
            exit = o.exitCode();
          }
        }
      }
    }
    if (!a.results().isEmpty()) {
      if (!writeResults(
          a, m, m.resolve("/tekton/results"), a.results(), TerminationMessage.TASK_RUN_RESULT)) {
        return 1;
      }
    }
    if (!a.stepResults().isEmpty()) {
      Path dir = m.resolve(meta.isEmpty() ? "/" : meta).resolve("results");
      if (!writeResults(a, m, dir, a.stepResults(), TerminationMessage.STEP_RESULT)) {
        return 1;
      }
    }
    // appendArtifactOutputs: the key is the path as the container sees it
    String stepArtifacts = (meta.isEmpty() ? "" : meta) + "/artifacts/provenance.json";
    addArtifact(out, m, stepArtifacts, TerminationMessage.STEP_ARTIFACTS_RESULT);
    addArtifact(
        out, m, "/tekton/artifacts/provenance.json", TerminationMessage.TASK_RUN_ARTIFACTS_RESULT);
    return exit;
  }

  private boolean writeResults(
      EntrypointArgs a, PathMapper m, Path dir, List<String> names, int type) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (String name : names) {
      Path f = dir.resolve(name);
      if (!Files.exists(f)) {
        continue;
      }
      entries.add(new Entry(name, new String(Files.readAllBytes(f), StandardCharsets.UTF_8), type));
    }
    if (entries.isEmpty()) {
      return true;
    }
    try {
      TerminationMessage.write(m.resolve(a.terminationPath()), entries);
      return true;
    } catch (TerminationMessage.TooLongException e) {
      append(e.getMessage());
      return false;
    }
  }

  private static void addArtifact(List<Entry> out, PathMapper m, String containerPath, int type)
      throws IOException {
    Path f = m.resolve(containerPath);
    if (Files.exists(f)) {
      out.add(new Entry(containerPath, Files.readString(f), type));
    }
  }

  private List<String> stepCommand(EntrypointArgs a, Map<String, String> env) {
    if (!a.entrypoint().isEmpty()) {
      return a.command();
    }
    String platforms = env.get("TEKTON_PLATFORM_COMMANDS");
    if (platforms == null) {
      throw new IllegalArgumentException(
          "unexpected end of JSON input (no -entrypoint and no TEKTON_PLATFORM_COMMANDS)");
    }
    Map<String, List<String>> cmds;
    try {
      cmds = JSON.readValue(platforms, new TypeReference<>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("TEKTON_PLATFORM_COMMANDS: " + e.getMessage(), e);
    }
    List<String> cmd = cmds.get("linux/amd64");
    if (cmd == null) {
      cmd = cmds.get("linux");
    }
    if (cmd == null) {
      throw new IllegalArgumentException("could not find command for platform \"linux/amd64\"");
    }
    List<String> all = new ArrayList<>(cmd);
    all.addAll(a.commandArgs());
    return all;
  }

  private void writePostFile(PathMapper m, String postFile, boolean error) throws IOException {
    if (postFile.isEmpty()) {
      return;
    }
    writeFile(m.resolve(error ? postFile + ".err" : postFile), "");
  }

  private static void writeFile(Path f, String content) throws IOException {
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }

  private enum Wait {
    OK,
    SKIP,
    KILLED
  }

  // realWaiter.Wait
  private Wait waitFor(Path file, boolean expectContent) {
    while (true) {
      if (Files.exists(file)) {
        try {
          if (!expectContent || Files.size(file) > 0) {
            return Wait.OK;
          }
        } catch (IOException e) {
          // replaced meanwhile: look again
        }
      }
      if (Files.exists(file.resolveSibling(file.getFileName() + ".err"))) {
        return Wait.SKIP;
      }
      if (killed.getAsBoolean() || !sleep(POLL)) {
        return Wait.KILLED;
      }
    }
  }

  // --- host processes --------------------------------------------------------------------------

  enum Kind {
    EXITED,
    START_FAILED,
    TIMEOUT,
    CANCELLED,
    KILLED
  }

  record Outcome(Kind kind, int exitCode) {}

  /**
   * The host command for a container command: paths rewritten, the step image's {@code sekisho}
   * replaced by the launcher, a script under a mount replaced by a rewritten copy.
   */
  private List<String> hostCommand(List<String> cmd, PathMapper m) throws IOException {
    List<String> out = new ArrayList<>();
    String first = cmd.get(0);
    String image = container.getImage() == null ? "" : container.getImage();
    if (settings.stepImagePrefix() != null
        && image.startsWith(settings.stepImagePrefix())
        && (first.equals("sekisho") || first.endsWith("/sekisho"))) {
      out.addAll(settings.launcher());
    } else if (first.startsWith("/")
        && m.isMounted(first)
        && Files.isRegularFile(m.resolve(first))) {
      out.add(rewrittenScript(m.resolve(first), m).toString());
    } else {
      out.add(m.rewrite(first));
    }
    for (String arg : cmd.subList(1, cmd.size())) {
      out.add(m.rewrite(arg));
    }
    return out;
  }

  // a script from /tekton/scripts, with the mounted paths in its body rewritten for this container
  private Path rewrittenScript(Path script, PathMapper m) throws IOException {
    byte[] bytes = Files.readAllBytes(script);
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!text.startsWith("#!")) {
      return script; // a binary or unknown file: run it as it is
    }
    Path copy =
        sandbox.containerDir(container.getName()).resolve("scripts").resolve(script.getFileName());
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, m.rewrite(text));
    PodSandbox.setMode(copy, 0755);
    return copy;
  }

  private Outcome runProcess(
      List<String> cmd,
      PathMapper m,
      Map<String, String> env,
      Optional<Duration> timeout,
      String stdoutPath,
      String stderrPath)
      throws IOException {
    hostCommand = List.copyOf(cmd);
    Path cwd =
        container.getWorkingDir() == null || container.getWorkingDir().isEmpty()
            ? m.resolve("/")
            : m.resolve(container.getWorkingDir());
    Files.createDirectories(cwd);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> penv = pb.environment();
    penv.clear();
    penv.putAll(processEnv(m, env));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    boolean tee = !stdoutPath.isEmpty() || !stderrPath.isEmpty();
    if (!tee) {
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    }
    log.debug("{}/{} {}: {}", ns(), podName(), container.getName(), cmd);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      append("Error executing command: " + e.getMessage());
      return new Outcome(Kind.START_FAILED, 1);
    }
    process = p;
    List<Thread> pumps = new ArrayList<>();
    OutputStream logOut = null;
    if (tee) {
      logOut = Files.newOutputStream(output, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      pumps.add(
          pump(p.getInputStream(), logOut, stdoutPath.isEmpty() ? null : m.resolve(stdoutPath)));
      pumps.add(
          pump(p.getErrorStream(), logOut, stderrPath.isEmpty() ? null : m.resolve(stderrPath)));
    }
    long deadline =
        timeout
            .filter(d -> !d.isZero())
            .map(d -> System.nanoTime() + d.toNanos())
            .orElse(Long.MAX_VALUE);
    Path cancel = m.isMounted(CANCEL_FILE) ? m.resolve(CANCEL_FILE) : null;
    Kind kind = Kind.EXITED;
    try {
      while (!p.waitFor(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (killed.getAsBoolean()) {
          kind = Kind.KILLED;
        } else if (System.nanoTime() > deadline) {
          kind = Kind.TIMEOUT;
        } else if (cancel != null && Files.exists(cancel) && Files.size(cancel) > 0) {
          kind = Kind.CANCELLED;
        }
        if (kind != Kind.EXITED) {
          kill();
          p.waitFor();
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      kind = Kind.KILLED;
    } finally {
      for (Thread t : pumps) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (logOut != null) {
        logOut.close(); // the pumps close their own streams, not the shared log
      }
    }
    if (kind == Kind.EXITED && killed.getAsBoolean()) {
      kind = Kind.KILLED;
    }
    return new Outcome(kind, kind == Kind.KILLED ? KILLED : p.exitValue());
  }

  private Thread pump(InputStream in, OutputStream logOut, Path copy) throws IOException {
    OutputStream copyOut = null;
    if (copy != null) {
      Files.createDirectories(copy.getParent());
      copyOut = Files.newOutputStream(copy, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    OutputStream second = copyOut;
    Thread t =
        Thread.ofPlatform()
            .daemon()
            .name("node-agent-" + settings.nodeName() + " output " + container.getName())
            .start(
                () -> {
                  byte[] buf = new byte[8192];
                  try (in;
                      OutputStream c = second) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                      synchronized (logOut) {
                        logOut.write(buf, 0, n);
                        logOut.flush();
                      }
                      if (c != null) {
                        c.write(buf, 0, n);
                        c.flush();
                      }
                    }
                  } catch (IOException e) {
                    // process gone
                  }
                });
    return t;
  }

  private Map<String, String> processEnv(PathMapper m, Map<String, String> env) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    e.put("HOSTNAME", podName());
    e.put("HOME", m.resolve("/root").toString());
    try {
      Files.createDirectories(m.resolve("/root"));
    } catch (IOException ex) {
      // HOME is only a default
    }
    e.putAll(settings.serviceEnv());
    e.putAll(settings.hostEnv());
    env.forEach((k, v) -> e.put(k, m.rewrite(v)));
    return e;
  }

  // --- environment -------------------------------------------------------------------------------

  private Map<String, String> resolveEnv() throws ConfigError {
    Map<String, String> env = new LinkedHashMap<>();
    String ns = ns();
    for (EnvFromSource from : nullToEmpty(container.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        ConfigMap cm =
            settings
                .client()
                .configMaps()
                .inNamespace(ns)
                .withName(from.getConfigMapRef().getName())
                .get();
        if (cm == null) {
          if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            continue;
          }
          throw new ConfigError("configmap \"" + from.getConfigMapRef().getName() + "\" not found");
        }
        if (cm.getData() != null) {
          cm.getData().forEach((k, v) -> env.put(prefix + k, v));
        }
      } else if (from.getSecretRef() != null) {
        Secret s =
            settings
                .client()
                .secrets()
                .inNamespace(ns)
                .withName(from.getSecretRef().getName())
                .get();
        if (s == null) {
          if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
            continue;
          }
          throw new ConfigError("secret \"" + from.getSecretRef().getName() + "\" not found");
        }
        if (s.getData() != null) {
          s.getData()
              .forEach(
                  (k, v) ->
                      env.put(
                          prefix + k,
                          new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
      }
    }
    Map<String, String> expansion = new LinkedHashMap<>(settings.serviceEnv());
    expansion.putAll(env);
    for (EnvVar v : nullToEmpty(container.getEnv())) {
      String value;
      if (v.getValueFrom() == null) {
        value = EnvExpansion.expand(v.getValue() == null ? "" : v.getValue(), expansion);
      } else {
        value = valueFrom(v.getName(), v.getValueFrom());
        if (value == null) {
          continue; // optional and missing
        }
      }
      env.put(v.getName(), value);
      expansion.put(v.getName(), value);
    }
    return env;
  }

  private String valueFrom(String name, EnvVarSource src) throws ConfigError {
    String ns = ns();
    if (src.getFieldRef() != null) {
      try {
        return PodFields.value(pod, src.getFieldRef().getFieldPath(), settings.podIp());
      } catch (IllegalArgumentException e) {
        throw new ConfigError("env " + name + ": " + e.getMessage());
      }
    }
    if (src.getConfigMapKeyRef() != null) {
      var ref = src.getConfigMapKeyRef();
      ConfigMap cm = settings.client().configMaps().inNamespace(ns).withName(ref.getName()).get();
      String v = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
      if (v == null) {
        if (Boolean.TRUE.equals(ref.getOptional())) {
          return null;
        }
        throw new ConfigError(
            cm == null
                ? "configmap \"" + ref.getName() + "\" not found"
                : "couldn't find key "
                    + ref.getKey()
                    + " in ConfigMap "
                    + ns
                    + "/"
                    + ref.getName());
      }
      return v;
    }
    if (src.getSecretKeyRef() != null) {
      var ref = src.getSecretKeyRef();
      Secret s = settings.client().secrets().inNamespace(ns).withName(ref.getName()).get();
      String v = s == null || s.getData() == null ? null : s.getData().get(ref.getKey());
      if (v == null) {
        if (Boolean.TRUE.equals(ref.getOptional())) {
          return null;
        }
        throw new ConfigError(
            s == null
                ? "secret \"" + ref.getName() + "\" not found"
                : "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
      }
      return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    }
    throw new ConfigError(
        "env " + name + ": only fieldRef, configMapKeyRef and secretKeyRef are emulated");
  }

  private static List<String> expandAll(List<String> in, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (String s : nullToEmpty(in)) {
      out.add(EnvExpansion.expand(s, env));
    }
    return out;
  }

  private static boolean isKoEntrypoint(List<String> command) {
    return !command.isEmpty() && command.get(0).equals("/ko-app/entrypoint");
  }

  void append(String line) {
    try {
      Files.createDirectories(output.getParent());
      Files.writeString(output, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("cannot write {}: {}", output, e.toString());
    }
  }

  private static String now() {
    return STARTED_AT.format(Instant.now());
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String ns() {
    return pod.getMetadata().getNamespace();
  }

  private String podName() {
    return pod.getMetadata().getName();
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
