package dev.sekisho.e2e;

import dev.sekisho.testkit.cluster.RealCluster;
import dev.sekisho.testkit.cluster.WithRealCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Sekisho installed from the kustomize base as docs/admin-guide.md tells an admin: {@code kubectl
 * apply -k} of an overlay of {@code manifests/operator/base} that sets only the operator image and
 * adds the air-gapped bundle volume ({@link RealNodeInstall.Kind#KUSTOMIZE}); then the gate's core
 * scenario as real pods: a clean image passes and is deployed, a vulnerable image under an Enforce
 * policy is stopped before deploy (the two tests of {@link RealNodeGate}). The install is removed
 * again afterwards ({@code kubectl delete -k}), so the Helm install of {@link RealNodeGateE2E} can
 * run before or after it on the same cluster.
 */
@WithRealCluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KustomizeInstallE2E extends RealNodeGate {

  KustomizeInstallE2E(RealCluster cluster) {
    super(cluster);
  }

  @Override
  RealNodeInstall.Kind installKind() {
    return RealNodeInstall.Kind.KUSTOMIZE;
  }
}
