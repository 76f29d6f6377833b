package dev.sekisho.operator.workload;

import dev.sekisho.api.v1alpha1.WorkloadUse;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * The top-level owner of a pod: a Deployment, StatefulSet, DaemonSet, CronJob, Job, another
 * controller, or the pod itself when nothing owns it.
 *
 * @param apiVersion the owner's API version ({@code apps/v1}, {@code v1} for a Pod)
 * @param uid the owner's UID, or null when it could not be read
 */
public record Owner(String apiVersion, String kind, String namespace, String name, String uid) {

  /** The owner as a reference an Event can be about. */
  public HasMetadata reference() {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(apiVersion);
    r.setKind(kind);
    r.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(uid).build());
    return r;
  }

  WorkloadUse use(int pods) {
    return new WorkloadUse(kind, name, pods);
  }
}
