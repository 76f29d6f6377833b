package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a ScanNotifier, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanNotifierStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready=False carries the reason when the notifier cannot send (invalid spec, missing Secret"
          + " or key).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Delivery state per sink.")
  private List<SinkStatus> sinks = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public List<SinkStatus> getSinks() {
    return sinks;
  }

  public void setSinks(List<SinkStatus> sinks) {
    this.sinks = sinks == null ? new ArrayList<>() : sinks;
  }
}
