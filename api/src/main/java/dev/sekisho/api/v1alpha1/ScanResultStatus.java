package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The operator's verdict on a ScanResult. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanResultStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pass, Warn, Fail or Error.")
  private Verdict verdict;

  @JsonPropertyDescription("The policy that decided the verdict (the strictest violated one).")
  private String decidingPolicy;

  @JsonPropertyDescription("Outcome per selected policy.")
  @Size(max = 256)
  private List<PolicyOutcome> policies = new ArrayList<>();

  @JsonPropertyDescription("Violations (at most 100; violationCount has the total).")
  @Size(max = 100)
  private List<Violation> violations = new ArrayList<>();

  @JsonPropertyDescription("Total number of violations.")
  @Min(0)
  private Integer violationCount;

  @JsonPropertyDescription("Evaluated and PipelineRunStopped conditions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Next instant the verdict can change by itself (an exception expiry or a grace period end).")
  private OffsetDateTime nextEvaluation;

  @JsonPropertyDescription("When the policies were last evaluated.")
  private OffsetDateTime lastEvaluated;

  @JsonPropertyDescription("PipelineRun the operator stopped because of this result.")
  private String stoppedPipelineRun;

  @JsonPropertyDescription(
      "Where the image runs in this namespace (watched pods); absent when no watched pod runs it.")
  private InUse inUse;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Verdict getVerdict() {
    return verdict;
  }

  public void setVerdict(Verdict verdict) {
    this.verdict = verdict;
  }

  public String getDecidingPolicy() {
    return decidingPolicy;
  }

  public void setDecidingPolicy(String decidingPolicy) {
    this.decidingPolicy = decidingPolicy;
  }

  public List<PolicyOutcome> getPolicies() {
    return policies;
  }

  public void setPolicies(List<PolicyOutcome> policies) {
    this.policies = policies == null ? new ArrayList<>() : policies;
  }

  public List<Violation> getViolations() {
    return violations;
  }

  public void setViolations(List<Violation> violations) {
    this.violations = violations == null ? new ArrayList<>() : violations;
  }

  public Integer getViolationCount() {
    return violationCount;
  }

  public void setViolationCount(Integer violationCount) {
    this.violationCount = violationCount;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public OffsetDateTime getNextEvaluation() {
    return nextEvaluation;
  }

  public void setNextEvaluation(OffsetDateTime nextEvaluation) {
    this.nextEvaluation = nextEvaluation;
  }

  public OffsetDateTime getLastEvaluated() {
    return lastEvaluated;
  }

  public void setLastEvaluated(OffsetDateTime lastEvaluated) {
    this.lastEvaluated = lastEvaluated;
  }

  public String getStoppedPipelineRun() {
    return stoppedPipelineRun;
  }

  public void setStoppedPipelineRun(String stoppedPipelineRun) {
    this.stoppedPipelineRun = stoppedPipelineRun;
  }

  public InUse getInUse() {
    return inUse;
  }

  public void setInUse(InUse inUse) {
    this.inUse = inUse;
  }
}
