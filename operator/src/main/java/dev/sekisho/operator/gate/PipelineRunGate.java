package dev.sekisho.operator.gate;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.tekton.v1.PipelineRun;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the Tekton v1 PipelineRun that produced a failing ScanResult by setting {@code spec.status:
 * CancelledRunFinally}: running TaskRuns are cancelled, unstarted ones never start, and {@code
 * finally} tasks still run (so notifications go out). {@code StoppedRunFinally} is not used because
 * it lets a running deploy task finish.
 *
 * <p>Never touches a PipelineRun that is done (condition Succeeded True or False), already
 * cancelled or stopped by someone else, in another namespace, or whose UID differs from the one the
 * scan recorded (a re-created run of the same name). The patch carries the UID and resourceVersion
 * it was decided on, so a run that finishes between the read and the write is not touched; the
 * PipelineRun is annotated with the ScanResult that stopped it, which makes the operation
 * idempotent.
 */
public final class PipelineRunGate {
  public static final String CANCELLED_RUN_FINALLY = "CancelledRunFinally";

  /** Annotation on a PipelineRun naming the ScanResult that stopped it. */
  public static final String STOPPED_BY = "sekisho.dev/stopped-by";

  private static final Set<String> CANCELLED =
      Set.of("Cancelled", "CancelledRunFinally", "StoppedRunFinally", "PipelineRunCancelled");
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunGate.class);
  private static final int ATTEMPTS = 3;

  private final KubernetesClient client;

  public PipelineRunGate(KubernetesClient client) {
    this.client = client;
  }

  /** Stops the result's PipelineRun if it may be stopped; the result must name one. */
  public GateOutcome stop(ScanResult result) {
    ScanSource source = result.getSpec().getSource();
    String namespace = result.getMetadata().getNamespace();
    String name = source.getPipelineRun();
    if (source.getNamespace() != null && !source.getNamespace().equals(namespace)) {
      return new GateOutcome(
          false,
          GateOutcome.OTHER_NAMESPACE,
          "PipelineRun "
              + source.getNamespace()
              + "/"
              + name
              + " is not in the result's namespace");
    }
    for (int attempt = 1; ; attempt++) {
      PipelineRun run =
          client.resources(PipelineRun.class).inNamespace(namespace).withName(name).get();
      if (run == null) {
        return new GateOutcome(false, GateOutcome.NOT_FOUND, "PipelineRun " + name + " not found");
      }
      String uid = run.getMetadata().getUid();
      if (source.getPipelineRunUid() != null && !source.getPipelineRunUid().equals(uid)) {
        return new GateOutcome(
            false,
            GateOutcome.UID_MISMATCH,
            "PipelineRun "
                + name
                + " has UID "
                + uid
                + ", the scan came from UID "
                + source.getPipelineRunUid());
      }
      String stoppedBy = annotation(run, STOPPED_BY);
      String specStatus = run.getSpec() == null ? null : run.getSpec().getStatus();
      if (result.getMetadata().getName().equals(stoppedBy)
          && CANCELLED_RUN_FINALLY.equals(specStatus)) {
        return new GateOutcome(
            true, GateOutcome.STOPPED, "PipelineRun " + name + " set to " + CANCELLED_RUN_FINALLY);
      }
      String done = doneStatus(run);
      if (done != null) {
        return new GateOutcome(
            false, GateOutcome.DONE, "PipelineRun " + name + " is done (Succeeded=" + done + ")");
      }
      if (specStatus != null && CANCELLED.contains(specStatus)) {
        return new GateOutcome(
            false,
            GateOutcome.ALREADY_CANCELLED,
            "PipelineRun " + name + " already has spec.status " + specStatus);
      }
      try {
        patch(run, result.getMetadata().getName());
        LOG.info(
            "stopped pipelinerun namespace={} name={} uid={} result={}",
            namespace,
            name,
            uid,
            result.getMetadata().getName());
        return new GateOutcome(
            true, GateOutcome.STOPPED, "PipelineRun " + name + " set to " + CANCELLED_RUN_FINALLY);
      } catch (KubernetesClientException e) {
        // 409: the run changed since we read it; read it again and decide again.
        if (e.getCode() == 409 && attempt < ATTEMPTS) {
          continue;
        }
        if (e.getCode() == 404) {
          return new GateOutcome(
              false, GateOutcome.NOT_FOUND, "PipelineRun " + name + " not found");
        }
        throw e;
      }
    }
  }

  /**
   * A JSON merge patch carrying the UID and resourceVersion the decision was made on: the API
   * server refuses it with 409 Conflict when the run changed since (optimistic concurrency) and
   * when it is another object of the same name.
   */
  private void patch(PipelineRun run, String resultName) {
    var meta = run.getMetadata();
    Map<String, Object> patch =
        Map.of(
            "metadata",
            Map.of(
                "uid", meta.getUid(),
                "resourceVersion", meta.getResourceVersion(),
                "annotations", Map.of(STOPPED_BY, resultName)),
            "spec",
            Map.of("status", CANCELLED_RUN_FINALLY));
    client
        .resources(PipelineRun.class)
        .inNamespace(meta.getNamespace())
        .withName(meta.getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
  }

  private static String annotation(PipelineRun run, String key) {
    Map<String, String> annotations = run.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** "True" or "False" when the run's Succeeded condition says it is done, else null. */
  static String doneStatus(PipelineRun run) {
    if (run.getStatus() == null || run.getStatus().getConditions() == null) {
      return null;
    }
    for (var c : run.getStatus().getConditions()) {
      if ("Succeeded".equals(c.getType())
          && ("True".equals(c.getStatus()) || "False".equals(c.getStatus()))) {
        return c.getStatus();
      }
    }
    return null;
  }
}
