package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.operator.decide.Decider;
import dev.sekisho.operator.decide.SelectedPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** Validates ScanPolicies and reports their Ready condition and result counts. */
@ControllerConfiguration(name = "scanpolicy")
public final class ScanPolicyReconciler extends PolicyStatusReconciler<ScanPolicy> {
  public ScanPolicyReconciler(
      Decider decider, KubernetesClient client, Clock clock, ScanResultCache results) {
    super(ScanPolicy.class, SelectedPolicy.SCAN_POLICY, decider, client, clock, results);
  }
}
