package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a ScanPolicy or ClusterScanPolicy, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanPolicyStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready=False carries the reason when the policy cannot be applied.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Number of ScanResults this policy selects.")
  private Integer matchedResults;

  @JsonPropertyDescription("Number of selected ScanResults that violate this policy.")
  private Integer failingResults;

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

  public Integer getMatchedResults() {
    return matchedResults;
  }

  public void setMatchedResults(Integer matchedResults) {
    this.matchedResults = matchedResults;
  }

  public Integer getFailingResults() {
    return failingResults;
  }

  public void setFailingResults(Integer failingResults) {
    this.failingResults = failingResults;
  }
}
