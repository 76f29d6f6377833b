package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import dev.sekisho.operator.workload.WorkloadInventory.ImageKey;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkloadInventoryTest {
  private final List<Set<ImageKey>> changes = new ArrayList<>();
  private int resolved;

  /** Owners from the pods' controller reference (a ReplicaSet stands for its Deployment). */
  private final WorkloadInventory inventory =
      new WorkloadInventory(
          pod -> {
            resolved++;
            return new OwnerResolver((ns, kind, name) -> Optional.empty()).ownerOf(pod);
          });

  {
    inventory.onChange(changes::add);
  }

  private static Pod deploymentPod(String ns, String name, String digest, String deployment) {
    return Pods.running(ns, name, digest, Pods.controller("apps/v1", "StatefulSet", deployment));
  }

  @Test
  void countsPodsAndWorkloadsPerNamespaceAndDigest() {
    inventory.apply(deploymentPod("shop", "web-0", Pods.A, "web"));
    inventory.apply(deploymentPod("shop", "web-1", Pods.A, "web"));
    inventory.apply(Pods.running("shop", "debug", Pods.A, null));
    inventory.apply(deploymentPod("shop", "db-0", Pods.B, "db"));
    inventory.apply(deploymentPod("other", "web-0", Pods.A, "web"));

    InUse a = inventory.inUse("shop", Pods.A).orElseThrow();
    assertThat(a.getPods()).isEqualTo(3);
    assertThat(a.getWorkloadCount()).isEqualTo(2);
    assertThat(a.getWorkloads())
        .extracting(WorkloadUse::getKind, WorkloadUse::getName, WorkloadUse::getPods)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Pod", "debug", 1),
            org.assertj.core.groups.Tuple.tuple("StatefulSet", "web", 2));
    assertThat(inventory.inUse("shop", Pods.B).orElseThrow().getPods()).isEqualTo(1);
    assertThat(inventory.inUse("other", Pods.A).orElseThrow().getPods()).isEqualTo(1);
    assertThat(inventory.inUse("other", Pods.B)).isEmpty();
    assertThat(inventory.inUse("shop", Pods.C)).isEmpty();
    assertThat(inventory.images())
        .containsExactlyInAnyOrder(
            new ImageKey("shop", Pods.A),
            new ImageKey("shop", Pods.B),
            new ImageKey("other", Pods.A));
  }

  @Test
  void aDeletedOrFinishedPodNoLongerCounts() {
    inventory.apply(deploymentPod("shop", "web-0", Pods.A, "web"));
    inventory.apply(Pods.running("shop", "job-x", Pods.A, null));
    changes.clear();

    assertThat(inventory.remove("shop", "web-0")).containsExactly(new ImageKey("shop", Pods.A));
    Pod done =
        new PodBuilder(Pods.running("shop", "job-x", Pods.A, null))
            .editStatus()
            .withPhase("Succeeded")
            .endStatus()
            .build();
    assertThat(inventory.apply(done)).containsExactly(new ImageKey("shop", Pods.A));
    assertThat(inventory.inUse("shop", Pods.A)).isEmpty();
    assertThat(inventory.uses(Pods.A)).isFalse();
    assertThat(inventory.images()).isEmpty();
    assertThat(inventory.pods()).isZero();
    assertThat(changes).hasSize(2);
  }

  @Test
  void aPodMovingToAnotherDigestChangesBoth() {
    inventory.apply(Pods.running("shop", "p", Pods.A, null));
    Set<ImageKey> changed = inventory.apply(Pods.running("shop", "p", Pods.B, null));
    assertThat(changed)
        .containsExactlyInAnyOrder(new ImageKey("shop", Pods.A), new ImageKey("shop", Pods.B));
    assertThat(inventory.inUse("shop", Pods.A)).isEmpty();
    assertThat(inventory.inUse("shop", Pods.B)).isPresent();
  }

  @Test
  void anUnchangedPodIsNoChangeAndItsOwnerIsNotResolvedAgain() {
    Pod pod = deploymentPod("shop", "web-0", Pods.A, "web");
    inventory.apply(pod);
    changes.clear();
    assertThat(inventory.apply(pod)).isEmpty();
    assertThat(changes).isEmpty();
    assertThat(resolved).isEqualTo(1);
  }

  @Test
  void listsAtMostFiftyWorkloadsAndCountsAll() {
    for (int i = 0; i < 70; i++) {
      inventory.apply(Pods.running("shop", String.format("pod-%02d", i), Pods.A, null));
    }
    InUse in = inventory.inUse("shop", Pods.A).orElseThrow();
    assertThat(in.getPods()).isEqualTo(70);
    assertThat(in.getWorkloadCount()).isEqualTo(70);
    assertThat(in.getWorkloads()).hasSize(WorkloadInventory.MAX_WORKLOADS);
    assertThat(in.getWorkloads().getFirst().getName()).isEqualTo("pod-00");
  }

  @Test
  void aDigestOnlyTheSpecPinsIsNotPulledUntilAContainerStatusNamesIt() {
    // pending: the spec pins the digest, no container has pulled it (it may never: the pod's
    // credentials may not reach the registry), so no other namespace's inventory stands in for it
    Pod pending =
        new PodBuilder(Pods.running("shop", "p", Pods.A, null))
            .editSpec()
            .editFirstContainer()
            .withImage("registry.test/app@" + Pods.A)
            .endContainer()
            .endSpec()
            .editStatus()
            .withPhase("Pending")
            .withContainerStatuses(new ContainerStatusBuilder().withName("app").build())
            .endStatus()
            .build();
    inventory.apply(pending);
    assertThat(inventory.running(new ImageKey("shop", Pods.A)).orElseThrow().pulled()).isFalse();

    inventory.apply(Pods.running("shop", "p", Pods.A, null));
    assertThat(inventory.running(new ImageKey("shop", Pods.A)).orElseThrow().pulled()).isTrue();
  }

  @Test
  void runningNamesAPodAndAReferenceToPullFrom() {
    inventory.apply(deploymentPod("shop", "web-0", Pods.A, "web"));
    var running = inventory.running(new ImageKey("shop", Pods.A)).orElseThrow();
    assertThat(running.reference()).isEqualTo("registry.test/app@" + Pods.A);
    assertThat(running.image()).isEqualTo("registry.test/app:1");
    assertThat(running.pods()).containsExactly("web-0");
    assertThat(running.owner().name()).isEqualTo("web");
    assertThat(inventory.running(new ImageKey("shop", Pods.B))).isEmpty();
  }

  @Test
  void aFailingListenerKeepsNeitherTheOthersNorTheInventoryFromTheChange() {
    List<Set<ImageKey>> later = new ArrayList<>();
    WorkloadInventory inv = new WorkloadInventory(pod -> new Owner("v1", "Pod", "shop", "p", "u"));
    inv.onChange(
        k -> {
          throw new IllegalStateException("controller not running");
        });
    inv.onChange(later::add);

    assertThat(inv.apply(Pods.running("shop", "p", Pods.A, null)))
        .containsExactly(new ImageKey("shop", Pods.A));
    assertThat(inv.remove("shop", "p")).containsExactly(new ImageKey("shop", Pods.A));
    assertThat(later).hasSize(2);
    assertThat(inv.inUse("shop", Pods.A)).isEmpty();
  }
}
