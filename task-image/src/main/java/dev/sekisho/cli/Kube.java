package dev.sekisho.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Kubernetes client configured as kubectl finds its configuration: {@code --kubeconfig}, else the
 * first file of {@code $KUBECONFIG} (the rest of the list is not merged), else {@code
 * ~/.kube/config}, else the pod's ServiceAccount; {@code --context} picks a context.
 */
final class Kube implements AutoCloseable {
  private final KubernetesClient client;
  private final String description;

  private Kube(KubernetesClient client, String description) {
    this.client = client;
    this.description = description;
  }

  static Kube connect(CliContext context, Path kubeconfig, String kubeContext) {
    Path file = kubeconfig;
    String source = "--kubeconfig";
    if (file == null) {
      String env = context.env().get("KUBECONFIG");
      if (env != null && !env.isBlank()) {
        file = Path.of(env.split(File.pathSeparator)[0]);
        source = "KUBECONFIG";
      }
    }
    if (file == null) {
      Path home = context.home().resolve(".kube").resolve("config");
      if (Files.isRegularFile(home)) {
        file = home;
        source = "~/.kube/config";
      }
    }
    Config config;
    String description;
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new UserInputException("kubeconfig " + file + " (from " + source + ") not found");
      }
      try {
        config = Config.fromKubeconfig(kubeContext, file.toFile());
      } catch (RuntimeException e) {
        throw new UserInputException(
            "cannot use kubeconfig "
                + file
                + (kubeContext == null ? "" : " context " + kubeContext)
                + ": "
                + rootMessage(e),
            e);
      }
      if (kubeContext != null
          && (config.getCurrentContext() == null
              || !kubeContext.equals(config.getCurrentContext().getName()))) {
        throw new UserInputException("kubeconfig " + file + " has no context " + kubeContext);
      }
      description =
          config.getCurrentContext() == null
              ? file.toString()
              : config.getCurrentContext().getName();
    } else {
      Path sa = context.serviceAccountDir().resolve("token");
      if (!Files.isRegularFile(sa)) {
        throw new UserInputException(
            "no kubeconfig: give --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config");
      }
      if (kubeContext != null) {
        throw new UserInputException(
            "--context needs a kubeconfig (running with the pod's ServiceAccount)");
      }
      config = Config.autoConfigure(null);
      description = "in-cluster";
    }
    config.setRequestTimeout(30_000);
    config.setRequestRetryBackoffLimit(2);
    return new Kube(new KubernetesClientBuilder().withConfig(config).build(), description);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  KubernetesClient client() {
    return client;
  }

  /** The context (or in-cluster) for the report's header. */
  String describe() {
    return description;
  }

  @Override
  public void close() {
    client.close();
  }
}
