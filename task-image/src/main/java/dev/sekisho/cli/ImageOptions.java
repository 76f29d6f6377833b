package dev.sekisho.cli;

import dev.sekisho.scanner.analyzer.AnalyzerLimits;
import dev.sekisho.scanner.analyzer.list.Analyzers;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.InvalidReferenceException;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.CredentialStore;
import dev.sekisho.scanner.image.registry.RegistryLimits;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import dev.sekisho.scanner.image.source.ArchiveLimits;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.layer.SpillLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How to reach the image: platform, registries, credentials, CAs. */
final class ImageOptions {
  /** OpenShift's internal registry, which accepts the pod's ServiceAccount token. */
  static final String OPENSHIFT_REGISTRY = "image-registry.openshift-image-registry.svc:5000";

  /** How long reading an image may take by default: a few GB of layers on a slow link. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Platform to pick from a multi-platform image (default linux/amd64).")
  String platform;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      split = ",",
      description = "Registry to reach over plain HTTP instead of HTTPS; repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--docker-config",
      paramLabel = "FILE",
      split = ",",
      description =
          "Docker config.json to read registry credentials from; repeatable. Default:"
              + " $DOCKER_CONFIG/config.json, else ~/.docker/config.json.")
  List<Path> dockerConfigs = new ArrayList<>();

  @Option(
      names = "--registry-token",
      paramLabel = "HOST=FILE",
      description =
          "ServiceAccount token file to authenticate to registry HOST with (sent as the password of"
              + " user 'serviceaccount', as OpenShift's internal registry accepts); repeatable."
              + " Default: the pod's token for "
              + OPENSHIFT_REGISTRY
              + " when mounted.")
  Map<String, Path> registryTokens = new LinkedHashMap<>();

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      split = ",",
      description = "Extra CA certificates (PEM) to trust for registries; repeatable.")
  List<Path> caFiles = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "Give up reading the image (pulling and analysing its layers) after this long, with exit"
              + " code 3; 0 means no limit (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = DEFAULT_TIMEOUT.toSeconds();

  @Option(
      names = "--registry-connect-timeout",
      paramLabel = "SECONDS",
      description = "Longest wait for a connection to a registry (default: ${DEFAULT-VALUE}).")
  long connectTimeoutSeconds = RegistryOptions.DEFAULT_CONNECT_TIMEOUT.toSeconds();

  @Option(
      names = "--registry-read-timeout",
      paramLabel = "SECONDS",
      description =
          "A registry request fails when no byte arrives for this long (default:"
              + " ${DEFAULT-VALUE}).")
  long readTimeoutSeconds = RegistryLimits.DEFAULT_READ_TIMEOUT.toSeconds();

  @Option(
      names = "--registry-request-timeout",
      paramLabel = "SECONDS",
      description =
          "Longest one attempt at a manifest, index, config or token may take, body included; for"
              + " a layer, until its download starts (default: ${DEFAULT-VALUE}).")
  long requestTimeoutSeconds = RegistryLimits.DEFAULT_REQUEST_TIMEOUT.toSeconds();

  @Option(
      names = "--registry-retry-timeout",
      paramLabel = "SECONDS",
      description =
          "Longest all attempts at one registry request may take together, waits between them"
              + " included (default: ${DEFAULT-VALUE}).")
  long retryTimeoutSeconds = RegistryLimits.DEFAULT_RETRY_TIMEOUT.toSeconds();

  @Option(
      names = "--registry-max-attempts",
      paramLabel = "N",
      description =
          "Attempts per registry request on 429, 5xx, connection failures and timeouts (default:"
              + " ${DEFAULT-VALUE}).")
  int maxAttempts = RegistryOptions.DEFAULT_MAX_ATTEMPTS;

  @Option(
      names = "--registry-min-speed",
      paramLabel = "BYTES_PER_SECOND",
      description =
          "A layer download that stays slower than this for --registry-min-speed-time fails; 0"
              + " turns the check off (default: ${DEFAULT-VALUE}).")
  long minSpeed = RegistryLimits.DEFAULT_MIN_BLOB_SPEED;

  @Option(
      names = "--registry-min-speed-time",
      paramLabel = "SECONDS",
      description =
          "How long a layer download may stay below --registry-min-speed (default:"
              + " ${DEFAULT-VALUE}).")
  long minSpeedSeconds = RegistryLimits.DEFAULT_BLOB_SPEED_TIME.toSeconds();

  @Option(
      names = "--secrets-in-dependencies",
      description =
          "Also look for secrets in third-party dependency trees (node_modules, site-packages,"
              + " Python's and Go's own trees, Go's module cache, Ruby gems), which are skipped by"
              + " default as gitleaks and Trivy skip them.")
  boolean secretsInDependencies;

  /**
   * Parses the target and checks that a local file exists.
   *
   * @throws UserInputException naming the input when it is malformed or missing
   */
  static Target target(String input) {
    Target target;
    try {
      target = Target.parse(input);
    } catch (InvalidReferenceException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    if (target.path() != null && !Files.exists(target.path())) {
      throw new UserInputException(
          "cannot read " + input + ": " + target.path() + " does not exist");
    }
    return target;
  }

  /** Inspection options: these flags over the defaults, the layer cache in the XDG cache. */
  InspectOptions inspectOptions(CliContext context, Progress progress) {
    timeout(); // checked with the other flags, before anything slow
    RegistryOptions registry =
        RegistryOptions.defaults()
            .withDockerConfigs(
                dockerConfigs.isEmpty()
                    ? RegistryOptions.defaultDockerConfigs(context.env(), context.home().toString())
                    : dockerConfigs)
            .withCaBundles(existing(caFiles, "CA file"))
            .withPlainHttpRegistries(new LinkedHashSet<>(insecureRegistries))
            .withConnectTimeout(positive("--registry-connect-timeout", connectTimeoutSeconds))
            .withMaxAttempts(atLeastOne("--registry-max-attempts", maxAttempts))
            .withLimits(limits());
    Path pullSecret = pullSecret(context);
    if (pullSecret != null) {
      registry = registry.withKubernetesDockerConfig(pullSecret);
    }
    for (Path p : dockerConfigs) {
      if (!Files.isRegularFile(p)) {
        throw new UserInputException("docker config " + p + " does not exist");
      }
    }
    registry = registry.withServiceAccountTokens(registryTokens(context, registry));
    try {
      // read by the scan; a bad value is the user's to fix
      SpillLimits.fromSystemProperties();
      ArchiveLimits.fromSystemProperties();
      AnalyzerLimits.validate(System.getProperties());
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    Platform p;
    try {
      p = platform == null || platform.isBlank() ? Platform.DEFAULT : Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("invalid --platform '" + platform + "': " + e.getMessage(), e);
    }
    return InspectOptions.defaults()
        .withAnalyzers(Analyzers.all(secretsInDependencies))
        .withPlatform(p)
        .withRegistry(registry)
        .withCacheDir(context.cacheHome().resolve("sekisho").resolve("layers"))
        .withProgress(progress);
  }

  /** The registry time limits from the flags. */
  RegistryLimits limits() {
    if (minSpeed < 0) {
      throw new UserInputException(
          "invalid --registry-min-speed " + minSpeed + ": must be 0 (no check) or more");
    }
    return new RegistryLimits(
        positive("--registry-read-timeout", readTimeoutSeconds),
        positive("--registry-request-timeout", requestTimeoutSeconds),
        positive("--registry-retry-timeout", retryTimeoutSeconds),
        minSpeed,
        positive("--registry-min-speed-time", minSpeedSeconds));
  }

  /** The --timeout for reading the image, or null for none. */
  Duration timeout() {
    if (timeoutSeconds < 0) {
      throw new UserInputException(
          "invalid --timeout " + timeoutSeconds + ": must be 0 (no limit) or more seconds");
    }
    return timeoutSeconds == 0 ? null : Duration.ofSeconds(timeoutSeconds);
  }

  private static Duration positive(String option, long seconds) {
    if (seconds <= 0) {
      throw new UserInputException(
          "invalid " + option + " " + seconds + ": must be a positive number of seconds");
    }
    return Duration.ofSeconds(seconds);
  }

  private static int atLeastOne(String option, int n) {
    if (n < 1) {
      throw new UserInputException("invalid " + option + " " + n + ": must be 1 or more");
    }
    return n;
  }

  /**
   * Registry → token file: the {@code --registry-token} flags, and for OpenShift's internal
   * registry the pod's ServiceAccount token when it is mounted and no Docker config or pull secret
   * already has credentials for it (the pipeline ServiceAccount can pull the images its namespace
   * built, with no pull secret).
   */
  Map<String, Path> registryTokens(CliContext context, RegistryOptions others) {
    Map<String, Path> tokens = new LinkedHashMap<>(registryTokens);
    Path podToken = context.serviceAccountDir().resolve("token");
    if (!tokens.containsKey(OPENSHIFT_REGISTRY)
        && Files.isReadable(podToken)
        && !hasCredentials(others, OPENSHIFT_REGISTRY)) {
      tokens.put(OPENSHIFT_REGISTRY, podToken);
    }
    for (var e : tokens.entrySet()) {
      if (!Files.isRegularFile(e.getValue())) {
        throw new UserInputException(
            "--registry-token " + e.getKey() + "=" + e.getValue() + ": no such file");
      }
    }
    return tokens;
  }

  private static boolean hasCredentials(RegistryOptions options, String registry) {
    try {
      return CredentialStore.load(options).lookup(registry).isPresent();
    } catch (ImageAccessException e) {
      return false; // the scan reports the unreadable file when it loads the credentials
    }
  }

  /**
   * The scan-image Task binds its {@code dockerconfig} workspace at $DOCKER_CONFIG: a Secret of
   * type {@code kubernetes.io/dockerconfigjson} mounts {@code .dockerconfigjson} there (legacy
   * {@code kubernetes.io/dockercfg}: {@code .dockercfg}), a Docker config directory has {@code
   * config.json} (read with the other Docker configs).
   */
  static Path pullSecret(CliContext context) {
    String dir = context.env().get("DOCKER_CONFIG");
    if (dir == null || dir.isBlank()) {
      return null;
    }
    for (String name : List.of(".dockerconfigjson", ".dockercfg")) {
      Path file = Path.of(dir, name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  private static List<Path> existing(List<Path> files, String what) {
    for (Path p : files) {
      if (!Files.isRegularFile(p)) {
        throw new UserInputException(what + " " + p + " does not exist");
      }
    }
    return files;
  }
}
