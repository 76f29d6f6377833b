package dev.sekisho.cli;

import dev.sekisho.scanner.analyzer.Analyzers;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.CredentialStore;
import dev.sekisho.scanner.image.ImageAccessException;
import dev.sekisho.scanner.image.InvalidReferenceException;
import dev.sekisho.scanner.image.Platform;
import dev.sekisho.scanner.image.RegistryOptions;
import dev.sekisho.scanner.image.Target;
import dev.sekisho.scanner.layer.SpillLimits;
import java.nio.file.Files;
import java.nio.file.Path;
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
    RegistryOptions registry =
        RegistryOptions.defaults()
            .withDockerConfigs(
                dockerConfigs.isEmpty()
                    ? RegistryOptions.defaultDockerConfigs(context.env(), context.home().toString())
                    : dockerConfigs)
            .withCaBundles(existing(caFiles, "CA file"))
            .withPlainHttpRegistries(new LinkedHashSet<>(insecureRegistries));
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
      SpillLimits.fromSystemProperties(); // read by the scan; a bad value is the user's to fix
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
