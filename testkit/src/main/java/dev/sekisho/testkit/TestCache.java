package dev.sekisho.testkit;

import java.nio.file.Path;
import java.util.Map;

/**
 * The cache outside the repository where the test set-up scripts put what they build once (the
 * Kubernetes binaries, Tekton's release, Helm, the fixture images): {@code $SEKISHO_TEST_CACHE},
 * else {@code $HOME/.cache/sekisho-test}.
 */
public final class TestCache {
  /** Environment variable that overrides the cache root. */
  public static final String ENV = "SEKISHO_TEST_CACHE";

  /** The Helm release {@code hack/tool-binaries.sh} installs unless told otherwise. */
  public static final String DEFAULT_HELM_VERSION = "3.19.0";

  private TestCache() {}

  /** The cache root for the process environment. */
  public static Path root() {
    return root(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The cache root for the given environment and home directory. */
  public static Path root(Map<String, String> env, Path home) {
    String cache = env.get(ENV);
    return cache == null || cache.isBlank()
        ? home.resolve(".cache").resolve("sekisho-test")
        : Path.of(cache);
  }

  /**
   * The Helm binary {@code hack/tool-binaries.sh} installs: {@code
   * tools/helm-v$SEKISHO_HELM_VERSION/helm} (default version {@value #DEFAULT_HELM_VERSION}).
   */
  public static Path helm() {
    String version = System.getenv().getOrDefault("SEKISHO_HELM_VERSION", DEFAULT_HELM_VERSION);
    return root().resolve("tools").resolve("helm-v" + version).resolve("helm");
  }
}
