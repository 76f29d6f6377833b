package dev.sekisho.testkit.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a namespace's pods are doing, for failure messages of tests on the {@link RealCluster}: each
 * pod's phase and its containers' states (with the log tail of a container that exited with an
 * error), the namespace's events, and where the node's logs are.
 */
public final class PodReport {
  private static final int FAILED_LOG_LINES = 20;

  private PodReport() {}

  /** The report of namespace {@code ns}; never throws for a pod or log it cannot read. */
  public static String of(KubernetesClient client, String ns, Path logDir) {
    String pods =
        client.pods().inNamespace(ns).list().getItems().stream()
            .map(p -> p.getMetadata().getName() + " " + containers(client, p))
            .collect(Collectors.joining("\n  "));
    String events =
        client.v1().events().inNamespace(ns).list().getItems().stream()
            .map(e -> e.getInvolvedObject().getName() + ": " + e.getReason() + " " + e.getMessage())
            .collect(Collectors.joining("\n  "));
    return "pods in " + ns + ":\n  " + pods + "\nevents:\n  " + events + "\nlogs in " + logDir;
  }

  private static String containers(KubernetesClient client, Pod p) {
    if (p.getStatus() == null) {
      return "?";
    }
    return p.getStatus().getPhase()
        + " "
        + Stream.concat(
                p.getStatus().getInitContainerStatuses().stream(),
                p.getStatus().getContainerStatuses().stream())
            .map(s -> s.getName() + "=" + state(s) + failedLog(client, p, s))
            .collect(Collectors.joining(", "));
  }

  /** A container's state in a few words: running, terminated(exit code), waiting(reason). */
  static String state(ContainerStatus s) {
    if (s.getState() == null) {
      return "?";
    }
    if (s.getState().getTerminated() != null) {
      return "terminated(" + s.getState().getTerminated().getExitCode() + ")";
    }
    if (s.getState().getWaiting() != null) {
      return "waiting("
          + s.getState().getWaiting().getReason()
          + ": "
          + s.getState().getWaiting().getMessage()
          + ")";
    }
    return "running";
  }

  /** The log tail of a container that exited with an error; empty otherwise. */
  private static String failedLog(KubernetesClient client, Pod pod, ContainerStatus s) {
    if (s.getState() == null
        || s.getState().getTerminated() == null
        || s.getState().getTerminated().getExitCode() == 0) {
      return "";
    }
    try {
      return " log: "
          + client
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .inContainer(s.getName())
              .tailingLines(FAILED_LOG_LINES)
              .getLog();
    } catch (RuntimeException e) {
      return " (no log: " + e.getMessage() + ")";
    }
  }
}
