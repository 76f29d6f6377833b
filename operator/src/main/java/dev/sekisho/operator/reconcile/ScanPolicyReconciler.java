package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.scanner.policy.NamedPolicy;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;

/** Validates ScanPolicies and reports their Ready condition and result counts. */
@ControllerConfiguration(name = "scanpolicy")
public final class ScanPolicyReconciler extends PolicyStatusReconciler<ScanPolicy> {
  public ScanPolicyReconciler(Clock clock, ScanResultCache results) {
    super(NamedPolicy.SCAN_POLICY, clock, results);
  }
}
