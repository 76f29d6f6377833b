package dev.sekisho.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Policy applied to the scans of every namespace its namespaceSelector matches. */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@Kind("ClusterScanPolicy")
@Plural("clusterscanpolicies")
@Singular("clusterscanpolicy")
@ShortNames("csp")
@Categories(Constants.CATEGORY)
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.action", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Failing",
    jsonPath = ".status.failingResults",
    type = Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ClusterScanPolicy extends CustomResource<ClusterScanPolicySpec, ScanPolicyStatus> {

  @Override
  protected ClusterScanPolicySpec initSpec() {
    return new ClusterScanPolicySpec();
  }

  @Override
  protected ScanPolicyStatus initStatus() {
    return new ScanPolicyStatus();
  }
}
