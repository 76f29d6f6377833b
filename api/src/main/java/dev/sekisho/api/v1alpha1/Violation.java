package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One broken rule: which policy, which rule, which finding. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Violation {
  @JsonPropertyDescription("Policy as Kind/name or Kind/namespace/name.")
  @Required
  private String policy;

  @JsonPropertyDescription(
      "Rule id (e.g. vulnerabilities.failOn, config.requireNonRoot, denyPackages[0]).")
  @Required
  private String rule;

  @JsonPropertyDescription("Finding the rule was broken by, when there is one.")
  private String findingId;

  @JsonPropertyDescription("Package concerned, when there is one.")
  private String packageName;

  @JsonPropertyDescription("Action of the policy (Warn violations never fail).")
  private PolicyAction action;

  @JsonPropertyDescription("Human-readable explanation.")
  private String message;

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  public String getRule() {
    return rule;
  }

  public void setRule(String rule) {
    this.rule = rule;
  }

  public String getFindingId() {
    return findingId;
  }

  public void setFindingId(String findingId) {
    this.findingId = findingId;
  }

  public String getPackageName() {
    return packageName;
  }

  public void setPackageName(String packageName) {
    this.packageName = packageName;
  }

  public PolicyAction getAction() {
    return action;
  }

  public void setAction(PolicyAction action) {
    this.action = action;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
