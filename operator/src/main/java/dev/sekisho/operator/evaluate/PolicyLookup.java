package dev.sekisho.operator.evaluate;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.Map;

/**
 * Where the policies and namespace labels come from: the reconciler's informer caches, or the API
 * server directly (the scan API, which must also work on replicas that are not the leader).
 */
public interface PolicyLookup {
  Map<String, String> namespaceLabels(String namespace);

  Collection<ScanPolicy> scanPolicies(String namespace);

  Collection<ClusterScanPolicy> clusterScanPolicies();

  /** Reads straight from the API server. */
  static PolicyLookup direct(KubernetesClient client) {
    return new PolicyLookup() {
      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = client.namespaces().withName(namespace).get();
        return ns == null || ns.getMetadata().getLabels() == null
            ? Map.of()
            : ns.getMetadata().getLabels();
      }

      @Override
      public Collection<ScanPolicy> scanPolicies(String namespace) {
        return client.resources(ScanPolicy.class).inNamespace(namespace).list().getItems();
      }

      @Override
      public Collection<ClusterScanPolicy> clusterScanPolicies() {
        return client.resources(ClusterScanPolicy.class).list().getItems();
      }
    };
  }
}
