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

/**
 * What was scanned and found (spec, written by the operator's scan API) and the policy verdict
 * (status, written by the operator). Pipelines never write ScanResults themselves.
 */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@Kind("ScanResult")
@Plural("scanresults")
@Singular("scanresult")
@ShortNames("sr")
@Categories(Constants.CATEGORY)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "Verdict", jsonPath = ".status.verdict", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Critical",
    jsonPath = ".spec.summary.critical",
    type = Type.INTEGER)
@AdditionalPrinterColumn(name = "High", jsonPath = ".spec.summary.high", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Fixable", jsonPath = ".spec.summary.fixable", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "In-Use", jsonPath = ".status.inUse.pods", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".status.decidingPolicy", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "PipelineRun",
    jsonPath = ".spec.source.pipelineRun",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Digest",
    jsonPath = ".spec.digest",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ScanResult extends CustomResource<ScanResultSpec, ScanResultStatus>
    implements Namespaced {

  @Override
  protected ScanResultSpec initSpec() {
    return new ScanResultSpec();
  }

  @Override
  protected ScanResultStatus initStatus() {
    return new ScanResultStatus();
  }
}
