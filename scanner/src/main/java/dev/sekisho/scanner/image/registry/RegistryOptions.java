package dev.sekisho.scanner.image.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to reach registries: where credentials come from, which CAs to trust, which registries speak
 * plain HTTP, and how often to retry.
 *
 * @param dockerConfigs Docker {@code config.json} files to read credentials from, first match wins
 * @param kubernetesDockerConfig a Kubernetes {@code .dockerconfigjson} (or legacy {@code
 *     .dockercfg}) file, e.g. a mounted pull secret; consulted before the Docker configs; or null
 * @param serviceAccountTokens registry host → ServiceAccount token file (OpenShift's internal
 *     registry); consulted first
 * @param caBundles PEM files with extra CA certificates, trusted in addition to the JDK's
 * @param plainHttpRegistries registry hosts ({@code host[:port]}) to reach over plain HTTP; every
 *     other registry is reached over HTTPS only
 * @param maxAttempts attempts per request on 429, 5xx and connection failures (at least 1)
 * @param connectTimeout TCP connect timeout
 * @param maxRetryAfter the longest {@code Retry-After} wait honoured; longer ones are cut to this
 * @param limits how long reads may take (see {@link RegistryLimits})
 */
public record RegistryOptions(
    List<Path> dockerConfigs,
    Path kubernetesDockerConfig,
    Map<String, Path> serviceAccountTokens,
    List<Path> caBundles,
    Set<String> plainHttpRegistries,
    int maxAttempts,
    Duration connectTimeout,
    Duration maxRetryAfter,
    RegistryLimits limits) {

  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  public RegistryOptions {
    dockerConfigs = dockerConfigs == null ? List.of() : List.copyOf(dockerConfigs);
    serviceAccountTokens =
        serviceAccountTokens == null ? Map.of() : Map.copyOf(serviceAccountTokens);
    caBundles = caBundles == null ? List.of() : List.copyOf(caBundles);
    plainHttpRegistries = plainHttpRegistries == null ? Set.of() : Set.copyOf(plainHttpRegistries);
    if (maxAttempts < 1) {
      maxAttempts = DEFAULT_MAX_ATTEMPTS;
    }
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "the registry connect timeout must be positive: " + connectTimeout);
    }
    maxRetryAfter = maxRetryAfter == null ? Duration.ofSeconds(60) : maxRetryAfter;
    limits = limits == null ? RegistryLimits.defaults() : limits;
  }

  /** Options with the default {@link RegistryLimits}. */
  public RegistryOptions(
      List<Path> dockerConfigs,
      Path kubernetesDockerConfig,
      Map<String, Path> serviceAccountTokens,
      List<Path> caBundles,
      Set<String> plainHttpRegistries,
      int maxAttempts,
      Duration connectTimeout,
      Duration maxRetryAfter) {
    this(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        null);
  }

  /**
   * Defaults: the Docker config at {@code $DOCKER_CONFIG/config.json}, else {@code
   * ~/.docker/config.json} (when it exists), no other credentials, the JDK's CAs, HTTPS only.
   */
  public static RegistryOptions defaults() {
    return new RegistryOptions(
        defaultDockerConfigs(System.getenv(), System.getProperty("user.home")),
        null,
        null,
        null,
        null,
        0,
        null,
        null,
        null);
  }

  /** The default Docker config files for an environment (existing files only). */
  public static List<Path> defaultDockerConfigs(Map<String, String> env, String home) {
    String dir = env.get("DOCKER_CONFIG");
    Path file =
        dir != null && !dir.isBlank()
            ? Path.of(dir, "config.json")
            : home == null ? null : Path.of(home, ".docker", "config.json");
    return file != null && Files.isRegularFile(file) ? List.of(file) : List.of();
  }

  public RegistryOptions withDockerConfigs(List<Path> files) {
    return new RegistryOptions(
        files,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withKubernetesDockerConfig(Path file) {
    return new RegistryOptions(
        dockerConfigs,
        file,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withServiceAccountTokens(Map<String, Path> tokens) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        tokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withCaBundles(List<Path> files) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        files,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withPlainHttpRegistries(Set<String> registries) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        registries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withMaxAttempts(int attempts) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        attempts,
        connectTimeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withConnectTimeout(Duration timeout) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        timeout,
        maxRetryAfter,
        limits);
  }

  public RegistryOptions withLimits(RegistryLimits l) {
    return new RegistryOptions(
        dockerConfigs,
        kubernetesDockerConfig,
        serviceAccountTokens,
        caBundles,
        plainHttpRegistries,
        maxAttempts,
        connectTimeout,
        maxRetryAfter,
        l);
  }
}
