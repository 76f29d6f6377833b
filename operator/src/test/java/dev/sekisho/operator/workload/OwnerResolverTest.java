package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnerResolverTest {
  /** The controllers of ReplicaSets and Jobs, by "kind/name"; records every read. */
  private final Map<String, OwnerReference> controllers = new HashMap<>();

  private final List<String> reads = new ArrayList<>();
  private final OwnerResolver resolver =
      new OwnerResolver(
          (ns, kind, name) -> {
            reads.add(kind + "/" + name);
            if (name.startsWith("forbidden")) {
              throw new KubernetesClientException("forbidden", 403, null);
            }
            return Optional.ofNullable(controllers.get(kind + "/" + name));
          });

  @Test
  void replicaSetLeadsToItsDeployment() {
    controllers.put("ReplicaSet/web-5d4f", Pods.controller("apps/v1", "Deployment", "web"));
    Owner owner =
        resolver.ownerOf(
            Pods.running(
                "ns", "web-5d4f-x", Pods.A, Pods.controller("apps/v1", "ReplicaSet", "web-5d4f")));
    assertThat(owner)
        .isEqualTo(new Owner("apps/v1", "Deployment", "ns", "web", "uid-Deployment-web"));
  }

  @Test
  void jobLeadsToItsCronJob() {
    controllers.put("Job/backup-2904", Pods.controller("batch/v1", "CronJob", "backup"));
    Owner owner =
        resolver.ownerOf(
            Pods.running(
                "ns", "backup-2904-x", Pods.A, Pods.controller("batch/v1", "Job", "backup-2904")));
    assertThat(owner.kind()).isEqualTo("CronJob");
    assertThat(owner.name()).isEqualTo("backup");
  }

  @Test
  void aJobOrReplicaSetWithoutControllerIsTheOwner() {
    Owner job =
        resolver.ownerOf(
            Pods.running("ns", "once-x", Pods.A, Pods.controller("batch/v1", "Job", "once")));
    assertThat(job).isEqualTo(new Owner("batch/v1", "Job", "ns", "once", "uid-Job-once"));
    Owner rs =
        resolver.ownerOf(
            Pods.running("ns", "bare-x", Pods.A, Pods.controller("apps/v1", "ReplicaSet", "bare")));
    assertThat(rs.kind()).isEqualTo("ReplicaSet");
  }

  @Test
  void statefulSetsDaemonSetsAndCustomControllersAreOwnersAsTheyAre() {
    for (OwnerReference ref :
        List.of(
            Pods.controller("apps/v1", "StatefulSet", "db"),
            Pods.controller("apps/v1", "DaemonSet", "agent"),
            Pods.controller("example.com/v1", "Rollout", "canary"))) {
      Owner owner = resolver.ownerOf(Pods.running("ns", ref.getName() + "-0", Pods.A, ref));
      assertThat(owner.kind()).isEqualTo(ref.getKind());
      assertThat(owner.name()).isEqualTo(ref.getName());
    }
    assertThat(reads).isEmpty();
  }

  @Test
  void aBarePodIsItsOwnOwner() {
    Owner owner = resolver.ownerOf(Pods.running("ns", "debug", Pods.A, null));
    assertThat(owner).isEqualTo(new Owner("v1", "Pod", "ns", "debug", "uid-debug"));
  }

  @Test
  void aReplicaSetThatCannotBeReadStandsAsTheOwner() {
    Owner owner =
        resolver.ownerOf(
            Pods.running(
                "ns", "p", Pods.A, Pods.controller("apps/v1", "ReplicaSet", "forbidden-1")));
    assertThat(owner.kind()).isEqualTo("ReplicaSet");
    assertThat(owner.name()).isEqualTo("forbidden-1");
  }

  @Test
  void eachReplicaSetIsReadOnce() {
    controllers.put("ReplicaSet/web-5d4f", Pods.controller("apps/v1", "Deployment", "web"));
    OwnerReference rs = Pods.controller("apps/v1", "ReplicaSet", "web-5d4f");
    for (int i = 0; i < 5; i++) {
      resolver.ownerOf(Pods.running("ns", "web-5d4f-" + i, Pods.A, rs));
    }
    assertThat(reads).containsExactly("ReplicaSet/web-5d4f");
    assertThat(resolver.cached()).isEqualTo(1);
  }

  @Test
  void theCacheOfReplicaSetsIsBounded() {
    for (int i = 0; i < OwnerResolver.CACHE_SIZE + 100; i++) {
      resolver.ownerOf(
          Pods.running("ns", "p" + i, Pods.A, Pods.controller("apps/v1", "ReplicaSet", "rs-" + i)));
    }
    assertThat(resolver.cached()).isEqualTo(OwnerResolver.CACHE_SIZE);
  }
}
