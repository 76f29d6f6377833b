package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Rules over the image configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigRules {
  @JsonPropertyDescription("The image must set a USER that is not root (neither empty nor UID 0).")
  private Boolean requireNonRoot;

  @JsonPropertyDescription("The image reference must not use the 'latest' tag or omit the tag.")
  private Boolean forbidLatestTag;

  @JsonPropertyDescription(
      "Exposed ports that violate the policy. Unset: 22, 23 and 3389. Empty list: none.")
  private List<Integer> forbiddenPorts;

  @JsonPropertyDescription("The image must define a HEALTHCHECK.")
  private Boolean requireHealthcheck;

  @JsonPropertyDescription(
      "Environment variable names that look like secrets (PASSWORD, TOKEN, SECRET, …) violate.")
  private Boolean forbidSecretEnv;

  public Boolean getRequireNonRoot() {
    return requireNonRoot;
  }

  public void setRequireNonRoot(Boolean requireNonRoot) {
    this.requireNonRoot = requireNonRoot;
  }

  public Boolean getForbidLatestTag() {
    return forbidLatestTag;
  }

  public void setForbidLatestTag(Boolean forbidLatestTag) {
    this.forbidLatestTag = forbidLatestTag;
  }

  public List<Integer> getForbiddenPorts() {
    return forbiddenPorts;
  }

  public void setForbiddenPorts(List<Integer> forbiddenPorts) {
    this.forbiddenPorts = forbiddenPorts;
  }

  public Boolean getRequireHealthcheck() {
    return requireHealthcheck;
  }

  public void setRequireHealthcheck(Boolean requireHealthcheck) {
    this.requireHealthcheck = requireHealthcheck;
  }

  public Boolean getForbidSecretEnv() {
    return forbidSecretEnv;
  }

  public void setForbidSecretEnv(Boolean forbidSecretEnv) {
    this.forbidSecretEnv = forbidSecretEnv;
  }
}
