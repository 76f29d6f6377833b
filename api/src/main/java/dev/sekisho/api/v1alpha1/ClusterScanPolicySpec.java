package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** A ScanPolicySpec applied across namespaces. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ClusterScanPolicySpec extends ScanPolicySpec {
  @JsonPropertyDescription(
      "Namespaces (by label) whose scans this policy applies to. Unset or empty: all namespaces.")
  private LabelSelector namespaceSelector;

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }
}
