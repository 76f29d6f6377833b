package dev.sekisho.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Policy for the scans of one namespace. It can add rules but never weaken a cluster policy. */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@Kind("ScanPolicy")
@Plural("scanpolicies")
@Singular("scanpolicy")
@ShortNames("sp")
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
public class ScanPolicy extends CustomResource<ScanPolicySpec, ScanPolicyStatus>
    implements Namespaced {

  @Override
  protected ScanPolicySpec initSpec() {
    return new ScanPolicySpec();
  }

  @Override
  protected ScanPolicyStatus initStatus() {
    return new ScanPolicyStatus();
  }
}
