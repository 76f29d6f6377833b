package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.operator.decide.Decider;
import dev.sekisho.operator.decide.SelectedPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** Validates ClusterScanPolicies and reports their Ready condition and result counts. */
@ControllerConfiguration(name = "clusterscanpolicy")
public final class ClusterScanPolicyReconciler extends PolicyStatusReconciler<ClusterScanPolicy> {
  public ClusterScanPolicyReconciler(
      Decider decider, KubernetesClient client, Clock clock, ScanResultCache results) {
    super(
        ClusterScanPolicy.class,
        SelectedPolicy.CLUSTER_SCAN_POLICY,
        decider,
        client,
        clock,
        results);
  }
}
