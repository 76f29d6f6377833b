package dev.sekisho.testkit.runc;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to run one container of a {@link RuncImage}, in the terms of a pod spec.
 *
 * @param uid the process's user id ({@code runAsUser}); any number, it need not exist in the image
 * @param gid the process's group id ({@code runAsGroup}; OpenShift uses 0)
 * @param command replaces the image's entry point ({@code command}); empty keeps it
 * @param args the arguments after the entry point ({@code args})
 * @param env added to the image's environment ({@code env})
 * @param readOnlyRoot {@code readOnlyRootFilesystem}
 * @param tmpfsTmp a fresh tmpfs on {@code /tmp} (what an {@code emptyDir} there gives)
 * @param binds host directories mounted into the container ({@code volumeMounts})
 * @param hostNetwork share the machine's network namespace ({@code hostNetwork}); otherwise the
 *     container has only its own loopback device
 */
public record RuncOptions(
    long uid,
    long gid,
    Optional<List<String>> command,
    List<String> args,
    Map<String, String> env,
    boolean readOnlyRoot,
    boolean tmpfsTmp,
    List<Bind> binds,
    boolean hostNetwork) {

  /** A host directory mounted at {@code containerPath}. */
  public record Bind(Path hostPath, String containerPath, boolean readOnly) {}

  public RuncOptions {
    args = List.copyOf(args);
    env = Map.copyOf(new LinkedHashMap<>(env));
    binds = List.copyOf(binds);
  }

  /**
   * OpenShift's {@code restricted-v2} defaults for user {@code uid}: group 0, read-only root file
   * system, a tmpfs on {@code /tmp}, no host network, the image's entry point with {@code args}.
   */
  public static RuncOptions restricted(long uid, String... args) {
    return new RuncOptions(
        uid, 0, Optional.empty(), List.of(args), Map.of(), true, true, List.of(), false);
  }

  public RuncOptions withCommand(String... command) {
    return new RuncOptions(
        uid,
        gid,
        Optional.of(List.of(command)),
        args,
        env,
        readOnlyRoot,
        tmpfsTmp,
        binds,
        hostNetwork);
  }

  public RuncOptions withEnv(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(more);
    return new RuncOptions(
        uid, gid, command, args, all, readOnlyRoot, tmpfsTmp, binds, hostNetwork);
  }

  public RuncOptions withBind(Path hostPath, String containerPath, boolean readOnly) {
    List<Bind> all = new java.util.ArrayList<>(binds);
    all.add(new Bind(hostPath, containerPath, readOnly));
    return new RuncOptions(uid, gid, command, args, env, readOnlyRoot, tmpfsTmp, all, hostNetwork);
  }

  public RuncOptions withHostNetwork() {
    return new RuncOptions(uid, gid, command, args, env, readOnlyRoot, tmpfsTmp, binds, true);
  }
}
