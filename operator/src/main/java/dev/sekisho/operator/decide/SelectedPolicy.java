package dev.sekisho.operator.decide;

import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import java.util.Objects;

/**
 * A policy that selects a ScanResult, as the engine sees it.
 *
 * @param kind ScanPolicy or ClusterScanPolicy
 * @param namespace namespace of a ScanPolicy, null for a ClusterScanPolicy
 * @param name policy name
 * @param spec the policy's rules
 */
public record SelectedPolicy(String kind, String namespace, String name, ScanPolicySpec spec) {
  public static final String SCAN_POLICY = "ScanPolicy";
  public static final String CLUSTER_SCAN_POLICY = "ClusterScanPolicy";

  public SelectedPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
  }

  /** The reference used in violations and outcomes: Kind/name or Kind/namespace/name. */
  public String ref() {
    return namespace == null ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }
}
