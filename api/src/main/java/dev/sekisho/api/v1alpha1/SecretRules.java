package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Rules over secrets found in file contents. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SecretRules {
  @JsonPropertyDescription("Any secret found in the image's files violates the policy.")
  private Boolean forbid;

  @JsonPropertyDescription(
      "Secret findings this policy accepts, by path glob or fingerprint, each with an expiry and a"
          + " reason. Allowed findings do not violate the policy and are listed as allowed.")
  private List<SecretAllowance> allow = new ArrayList<>();

  public Boolean getForbid() {
    return forbid;
  }

  public void setForbid(Boolean forbid) {
    this.forbid = forbid;
  }

  public List<SecretAllowance> getAllow() {
    return allow;
  }

  public void setAllow(List<SecretAllowance> allow) {
    this.allow = allow == null ? new ArrayList<>() : allow;
  }
}
