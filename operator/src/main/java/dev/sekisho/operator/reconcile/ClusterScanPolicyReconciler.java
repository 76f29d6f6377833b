package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.scanner.policy.NamedPolicy;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** Validates ClusterScanPolicies and reports their Ready condition and result counts. */
@ControllerConfiguration(name = "clusterscanpolicy")
public final class ClusterScanPolicyReconciler extends PolicyStatusReconciler<ClusterScanPolicy> {
  public ClusterScanPolicyReconciler(Clock clock, ScanResultCache results) {
    super(NamedPolicy.CLUSTER_SCAN_POLICY, clock, results);
  }
}
