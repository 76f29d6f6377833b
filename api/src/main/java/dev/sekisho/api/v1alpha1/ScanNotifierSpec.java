package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** What a ScanNotifier watches and where it sends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanNotifierSpec {
  @JsonPropertyDescription(
      "Findings at or above this severity count (Critical, High, Medium, Low); default High.")
  private Severity minSeverity;

  @JsonPropertyDescription(
      "Cover the ScanResults of every namespace this selector selects instead of this namespace's"
          + " own. Only honoured for a ScanNotifier in the operator's namespace (elsewhere the"
          + " notifier is not Ready); an empty selector selects every namespace.")
  private LabelSelector namespaceSelector;

  @JsonPropertyDescription("Where to send (at most 10 sinks, names unique).")
  @Required
  @Size(min = 1, max = 10)
  private List<NotificationSink> sinks = new ArrayList<>();

  public Severity getMinSeverity() {
    return minSeverity;
  }

  public void setMinSeverity(Severity minSeverity) {
    this.minSeverity = minSeverity;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public List<NotificationSink> getSinks() {
    return sinks;
  }

  public void setSinks(List<NotificationSink> sinks) {
    this.sinks = sinks == null ? new ArrayList<>() : sinks;
  }
}
