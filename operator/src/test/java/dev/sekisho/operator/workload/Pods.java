package dev.sekisho.operator.workload;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods for the inventory's tests, as the API server returns them. */
final class Pods {
  static final String A = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String B = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static final String C = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

  private Pods() {}

  /** A Running pod whose one container runs {@code registry.test/app@digest}. */
  static Pod running(String ns, String name, String digest, OwnerReference owner) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .withUid("uid-" + name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("registry.test/app:1")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withImage("registry.test/app:1")
                    .withImageID("registry.test/app@" + digest)
                    .build())
            .endStatus();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    return b.build();
  }

  static OwnerReference controller(String apiVersion, String kind, String name) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(name)
        .withUid("uid-" + kind + "-" + name)
        .withController(true)
        .build();
  }
}
