package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Rules over secrets found in file contents. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRules {
  @JsonPropertyDescription("Any secret found in the image's files violates the policy.")
  private Boolean forbid;

  public Boolean getForbid() {
    return forbid;
  }

  public void setForbid(Boolean forbid) {
    this.forbid = forbid;
  }
}
