package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** How one policy judged the scan. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyOutcome {
  @JsonPropertyDescription("ScanPolicy or ClusterScanPolicy.")
  @Required
  private String kind;

  @JsonPropertyDescription("Policy name.")
  @Required
  private String name;

  @JsonPropertyDescription("Policy namespace (ScanPolicy only).")
  private String namespace;

  @JsonPropertyDescription("The policy's action.")
  private PolicyAction action;

  @JsonPropertyDescription("Pass, Warn or Fail under this policy.")
  private Verdict verdict;

  @JsonPropertyDescription("Number of violations under this policy.")
  @Min(0)
  private Integer violations;

  @JsonPropertyDescription("Findings excused by an unexpired exception.")
  @Min(0)
  private Integer excepted;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public PolicyAction getAction() {
    return action;
  }

  public void setAction(PolicyAction action) {
    this.action = action;
  }

  public Verdict getVerdict() {
    return verdict;
  }

  public void setVerdict(Verdict verdict) {
    this.verdict = verdict;
  }

  public Integer getViolations() {
    return violations;
  }

  public void setViolations(Integer violations) {
    this.violations = violations;
  }

  public Integer getExcepted() {
    return excepted;
  }

  public void setExcepted(Integer excepted) {
    this.excepted = excepted;
  }
}
