package dev.sekisho.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command gets from outside: its output streams, the environment, the terminal and a clock.
 * Tests pass their own, so nothing reads System.out, System.getenv or the wall clock directly.
 *
 * @param out standard output (reports)
 * @param err standard error (messages, progress, summary line)
 * @param env environment variables
 * @param terminal what stdout/stderr are attached to
 * @param clock clock for policy evaluation and report times
 */
public record CliContext(
    PrintWriter out, PrintWriter err, Map<String, String> env, Terminal terminal, Clock clock) {

  public CliContext {
    env = Map.copyOf(env);
  }

  /** The user's home directory ($HOME, else the JVM's user.home). */
  public Path home() {
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  /** Where Kubernetes mounts the pod's ServiceAccount files. */
  public static final Path POD_SERVICE_ACCOUNT =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /**
   * The pod's ServiceAccount directory (token, namespace, OpenShift's service-ca.crt):
   * $SEKISHO_SERVICE_ACCOUNT_DIR, else where Kubernetes mounts it.
   */
  public Path serviceAccountDir() {
    String dir = env.get("SEKISHO_SERVICE_ACCOUNT_DIR");
    return dir != null && !dir.isBlank() ? Path.of(dir) : POD_SERVICE_ACCOUNT;
  }

  /** $XDG_CONFIG_HOME, else ~/.config. */
  public Path configHome() {
    String xdg = env.get("XDG_CONFIG_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home().resolve(".config");
  }

  /** $XDG_CACHE_HOME, else ~/.cache. */
  public Path cacheHome() {
    String xdg = env.get("XDG_CACHE_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home().resolve(".cache");
  }
}
