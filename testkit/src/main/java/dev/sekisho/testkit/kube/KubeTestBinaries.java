package dev.sekisho.testkit.kube;

import dev.sekisho.testkit.TestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the Kubernetes test binaries (etcd, kube-apiserver, kubectl) built by {@code
 * hack/test-binaries.sh} live: {@code ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}
 * /k8s/<version>-linux-<arch>/}, the layout fabric8 kube-api-test also uses.
 *
 * @param directory the directory holding the three binaries
 * @param version the Kubernetes version, e.g. {@code 1.34.4}
 */
public record KubeTestBinaries(Path directory, String version) {

  /** Kubernetes version built and used unless {@code SEKISHO_K8S_VERSION} says otherwise. */
  public static final String DEFAULT_VERSION = "1.34.4";

  /** Environment variable that overrides the cache root ({@code $HOME/.cache/sekisho-test}). */
  public static final String CACHE_ENV = TestCache.ENV;

  /** Environment variable that overrides the Kubernetes version. */
  public static final String VERSION_ENV = "SEKISHO_K8S_VERSION";

  /** Resolves the binaries from the process environment. */
  public static KubeTestBinaries fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** Resolves the binaries from the given environment and home directory. */
  static KubeTestBinaries fromEnvironment(Map<String, String> env, Path home) {
    Path root = TestCache.root(env, home);
    String version = env.getOrDefault(VERSION_ENV, "");
    if (version.isBlank()) {
      version = DEFAULT_VERSION;
    }
    return new KubeTestBinaries(
        root.resolve("k8s").resolve(version + "-linux-" + goArch()), version);
  }

  /** The CPU architecture as Go names it, the suffix of the cache directory. */
  private static String goArch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  public Path etcd() {
    return directory.resolve("etcd");
  }

  public Path kubeApiServer() {
    return directory.resolve("kube-apiserver");
  }

  public Path kubectl() {
    return directory.resolve("kubectl");
  }

  /** The binaries that are absent or not executable; empty when all three can run. */
  public List<Path> missing() {
    return Stream.of(etcd(), kubeApiServer(), kubectl())
        .filter(p -> !Files.isRegularFile(p) || !Files.isExecutable(p))
        .toList();
  }

  /** What to tell a developer whose machine lacks the binaries. */
  public String missingMessage() {
    return "Kubernetes test binaries missing: "
        + missing()
        + ". Build them once with hack/test-binaries.sh (or hack/setup.sh); it builds"
        + " etcd, kube-apiserver and kubectl "
        + version
        + " from the Go module proxy into "
        + directory
        + ". Set "
        + KubeApiServerExtension.SKIP_ENV
        + "=1 to skip the tests that need an API server instead.";
  }
}
