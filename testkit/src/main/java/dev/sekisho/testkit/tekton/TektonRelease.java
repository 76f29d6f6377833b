package dev.sekisho.testkit.tekton;

import dev.sekisho.testkit.TestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the Tekton Pipelines release the end-to-end tests run lives: {@code
 * ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tekton/v<version>/}, with its CRDs ({@code
 * crds/}, copied by {@code hack/tool-binaries.sh}), its configuration ConfigMaps ({@code config/})
 * and its controller and the binaries of its own images built from the Go module ({@code
 * bin/controller}, {@code bin/entrypoint}…, all by {@code hack/tekton-binaries.sh}).
 *
 * @param directory the release directory
 * @param version the Tekton Pipelines version, e.g. {@code 1.6.0}
 */
public record TektonRelease(Path directory, String version) {

  /** Tekton Pipelines version used unless {@code SEKISHO_TEKTON_VERSION} says otherwise. */
  public static final String DEFAULT_VERSION = "1.6.0";

  /** Environment variable that overrides the cache root ({@code $HOME/.cache/sekisho-test}). */
  public static final String CACHE_ENV = TestCache.ENV;

  /** Environment variable that overrides the Tekton version. */
  public static final String VERSION_ENV = "SEKISHO_TEKTON_VERSION";

  /** Resolves the release from the process environment. */
  public static TektonRelease fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** Resolves the release from the given environment and home directory. */
  static TektonRelease fromEnvironment(Map<String, String> env, Path home) {
    Path root = TestCache.root(env, home);
    String version = env.getOrDefault(VERSION_ENV, "");
    if (version.isBlank()) {
      version = DEFAULT_VERSION;
    }
    return new TektonRelease(root.resolve("tekton").resolve("v" + version), version);
  }

  /** Tekton's CustomResourceDefinitions, {@code config/300-crds/*.yaml} of the release. */
  public Path crds() {
    return directory.resolve("crds");
  }

  /** Tekton's configuration ConfigMaps, {@code config/config-*.yaml} of the release. */
  public Path config() {
    return directory.resolve("config");
  }

  /** The controller binary, {@code github.com/tektoncd/pipeline/cmd/controller}. */
  public Path controller() {
    return directory.resolve("bin").resolve("controller");
  }

  /**
   * The binary of one of the images Tekton's pods use, {@code
   * github.com/tektoncd/pipeline/cmd/<command>} (e.g. {@code entrypoint}), built by {@code
   * hack/tekton-binaries.sh} next to the controller.
   */
  public Path binary(String command) {
    return directory.resolve("bin").resolve(command);
  }

  /** What is absent; empty when the CRDs, the ConfigMaps and the controller are all there. */
  public List<Path> missing() {
    List<Path> missing = new ArrayList<>();
    if (!Files.isRegularFile(crds().resolve("300-pipelinerun.yaml"))) {
      missing.add(crds());
    }
    if (!Files.isRegularFile(config().resolve("config-feature-flags.yaml"))) {
      missing.add(config());
    }
    if (!Files.isExecutable(controller())) {
      missing.add(controller());
    }
    return missing;
  }

  /** What to tell a developer whose machine lacks the release. */
  public String missingMessage() {
    return "Tekton Pipelines v"
        + version
        + " missing: "
        + missing()
        + ". Fetch the CRDs with hack/tool-binaries.sh and build the controller with"
        + " hack/tekton-binaries.sh (hack/setup.sh runs both; the build takes 10-20 minutes"
        + " once, from the Go module proxy).";
  }
}
