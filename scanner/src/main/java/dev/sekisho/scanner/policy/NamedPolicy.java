package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.scanner.vex.VexStatements;
import java.util.Objects;

/**
 * A policy spec with the name it is known by.
 *
 * @param kind {@value #SCAN_POLICY}, {@value #CLUSTER_SCAN_POLICY} or {@value #FILE} (a policy read
 *     from a file by the CLI)
 * @param namespace the namespace of a ScanPolicy; null for cluster and file policies
 * @param name the policy name
 * @param spec what the policy requires
 * @param vex the statements of the VEX documents the policy references (its {@code vex} list, read
 *     by the operator); none for policies from files
 */
public record NamedPolicy(
    String kind, String namespace, String name, ScanPolicySpec spec, VexStatements vex) {
  public static final String SCAN_POLICY = "ScanPolicy";
  public static final String CLUSTER_SCAN_POLICY = "ClusterScanPolicy";
  public static final String FILE = "File";

  public NamedPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    vex = vex == null ? VexStatements.none() : vex;
  }

  /** A policy without VEX documents. */
  public NamedPolicy(String kind, String namespace, String name, ScanPolicySpec spec) {
    this(kind, namespace, name, spec, VexStatements.none());
  }

  /** This policy with {@code statements} as the statements of its VEX documents. */
  public NamedPolicy withVex(VexStatements statements) {
    return new NamedPolicy(kind, namespace, name, spec, statements);
  }

  /**
   * Kind/name, or Kind/namespace/name for a namespaced policy (as ScanResult violations name it).
   */
  public String displayName() {
    return namespace == null || namespace.isEmpty()
        ? kind + "/" + name
        : kind + "/" + namespace + "/" + name;
  }
}
