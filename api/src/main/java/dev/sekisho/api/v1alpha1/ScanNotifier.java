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
 * Where to send a message when an image in use turns bad: its verdict changes, or it gains findings
 * at or above a severity. Namespaced: it covers the ScanResults of its own namespace, or, when it
 * lives in the operator's namespace and has a namespaceSelector, those of every selected namespace
 * (for security teams).
 */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@Kind("ScanNotifier")
@Plural("scannotifiers")
@Singular("scannotifier")
@ShortNames("snotify")
@Categories(Constants.CATEGORY)
@AdditionalPrinterColumn(name = "Min-Severity", jsonPath = ".spec.minSeverity", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ScanNotifier extends CustomResource<ScanNotifierSpec, ScanNotifierStatus>
    implements Namespaced {

  @Override
  protected ScanNotifierSpec initSpec() {
    return new ScanNotifierSpec();
  }

  @Override
  protected ScanNotifierStatus initStatus() {
    return new ScanNotifierStatus();
  }
}
