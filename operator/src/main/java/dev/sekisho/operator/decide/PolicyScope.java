package dev.sekisho.operator.decide;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.operator.resultspec.SpecToReport;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicySelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which policies apply to a ScanResult: the ScanPolicies of its namespace and the
 * ClusterScanPolicies whose namespaceSelector matches the namespace's labels, in both cases only
 * those whose image/pipeline selector selects the result (the scanner's {@link PolicySelector}).
 * Policies being deleted do not apply.
 */
public final class PolicyScope {
  private PolicyScope() {}

  /**
   * The selected policies, cluster policies first, each group sorted by name so the evaluation
   * order (and so the status) is stable.
   */
  public static List<NamedPolicy> select(
      ScanResult result,
      Map<String, String> namespaceLabels,
      Collection<ScanPolicy> namespacePolicies,
      Collection<ClusterScanPolicy> clusterPolicies) {
    ImageFacts image = SpecToReport.imageFacts(result.getSpec());
    String pipeline = pipelineOf(result);
    return candidates(
            result.getMetadata().getNamespace(),
            namespaceLabels,
            namespacePolicies,
            clusterPolicies)
        .stream()
        .filter(p -> PolicySelector.selects(p, image, pipeline))
        .toList();
  }

  /**
   * The policies that may apply in {@code namespace} before their image/pipeline selectors are
   * consulted: the ClusterScanPolicies whose namespaceSelector matches the namespace's labels, then
   * the namespace's ScanPolicies, each group sorted by name, none being deleted.
   */
  public static List<NamedPolicy> candidates(
      String namespace,
      Map<String, String> namespaceLabels,
      Collection<ScanPolicy> namespacePolicies,
      Collection<ClusterScanPolicy> clusterPolicies) {
    List<NamedPolicy> candidates = new ArrayList<>();
    clusterPolicies.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getSpec() != null)
        .filter(p -> NamespaceSelector.matches(p.getSpec().getNamespaceSelector(), namespaceLabels))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(
            p ->
                new NamedPolicy(
                    NamedPolicy.CLUSTER_SCAN_POLICY, null, p.getMetadata().getName(), p.getSpec()))
        .forEach(candidates::add);
    namespacePolicies.stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getSpec() != null)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(
            p ->
                new NamedPolicy(
                    NamedPolicy.SCAN_POLICY, namespace, p.getMetadata().getName(), p.getSpec()))
        .forEach(candidates::add);
    return candidates;
  }

  /** The Pipeline a result came from; null for a scan made outside a pipeline. */
  public static String pipelineOf(ScanResult result) {
    ScanSource source = result.getSpec() == null ? null : result.getSpec().getSource();
    if (source != null && source.getPipeline() != null && !source.getPipeline().isEmpty()) {
      return source.getPipeline();
    }
    return null;
  }
}
