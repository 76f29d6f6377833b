package dev.sekisho.operator.testing;

import dev.sekisho.testkit.kube.Awaiting;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Tekton PipelineRuns without Tekton: the v1 PipelineRun CRD ({@code pipelineruns.tekton.dev.yaml}
 * beside this class) and PipelineRuns whose status a test sets as Tekton's controller would.
 */
public final class PipelineRuns {
  public static final String API_VERSION = "tekton.dev/v1";
  public static final String KIND = "PipelineRun";

  /** The {@code Succeeded} condition's status: Unknown while running, True or False when done. */
  public enum State {
    RUNNING("Unknown", "Running"),
    SUCCEEDED("True", "Succeeded"),
    FAILED("False", "Failed");

    private final String status;
    private final String reason;

    State(String status, String reason) {
      this.status = status;
      this.reason = reason;
    }
  }

  private PipelineRuns() {}

  /** Installs Tekton's v1 PipelineRun CRD (idempotent) and waits until it is served. */
  public static void installCrd(KubernetesClient admin) {
    try (InputStream crd = PipelineRuns.class.getResourceAsStream("pipelineruns.tekton.dev.yaml")) {
      admin.load(crd).serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the PipelineRun CRD", e);
    }
    Awaiting.until(
        "the PipelineRun CRD is served",
        () -> {
          try {
            client(admin, "default").list();
            return true;
          } catch (KubernetesClientException e) {
            return false;
          }
        });
  }

  /** A running PipelineRun of {@code pipeline} as {@code serviceAccount}, as the scan step sees. */
  public static GenericKubernetesResource running(
      KubernetesClient admin, String ns, String name, String pipeline, String serviceAccount) {
    return create(admin, ns, name, pipeline, serviceAccount, State.RUNNING);
  }

  /** A PipelineRun in {@code state} (status written through the status subresource). */
  public static GenericKubernetesResource create(
      KubernetesClient admin,
      String ns,
      String name,
      String pipeline,
      String serviceAccount,
      State state) {
    GenericKubernetesResource pr = new GenericKubernetesResource();
    pr.setApiVersion(API_VERSION);
    pr.setKind(KIND);
    pr.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    pr.setAdditionalProperty(
        "spec",
        Map.of(
            "pipelineRef",
            Map.of("name", pipeline),
            "taskRunTemplate",
            Map.of("serviceAccountName", serviceAccount)));
    var runs = client(admin, ns);
    runs.resource(pr).create();
    runs.withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"startTime\":\"2026-11-23T10:00:00Z\",\"conditions\":[{\"type\":"
                + "\"Succeeded\",\"status\":\""
                + state.status
                + "\",\"reason\":\""
                + state.reason
                + "\",\"lastTransitionTime\":\"2026-11-23T10:00:00Z\"}]}}");
    return runs.withName(name).get();
  }

  /** The PipelineRun, or null. */
  public static GenericKubernetesResource get(KubernetesClient admin, String ns, String name) {
    return client(admin, ns).withName(name).get();
  }

  /** Its {@code spec.status} (e.g. {@code CancelledRunFinally} once stopped), or null. */
  public static Object specStatus(GenericKubernetesResource pipelineRun) {
    Object spec = pipelineRun.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m ? m.get("status") : null;
  }

  /** The {@code spec.status} of the PipelineRun as stored now, or null. */
  public static Object specStatus(KubernetesClient admin, String ns, String name) {
    return specStatus(get(admin, ns, name));
  }

  private static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      client(KubernetesClient admin, String ns) {
    return admin.genericKubernetesResources(API_VERSION, KIND).inNamespace(ns);
  }
}
