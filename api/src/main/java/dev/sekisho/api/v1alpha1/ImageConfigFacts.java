package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Facts from the image configuration that policies check. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageConfigFacts {
  @JsonPropertyDescription("USER of the image config; empty means root.")
  private String user;

  @JsonPropertyDescription("Exposed ports as in the image config (e.g. 22/tcp).")
  private List<String> exposedPorts = new ArrayList<>();

  @JsonPropertyDescription("Whether the image defines a HEALTHCHECK.")
  private Boolean healthcheck;

  @JsonPropertyDescription(
      "Environment variable names that look like secrets (values are never stored).")
  private List<String> secretEnvNames = new ArrayList<>();

  @JsonPropertyDescription("When the image was created, as its config says.")
  private OffsetDateTime created;

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public List<String> getExposedPorts() {
    return exposedPorts;
  }

  public void setExposedPorts(List<String> exposedPorts) {
    this.exposedPorts = exposedPorts == null ? new ArrayList<>() : exposedPorts;
  }

  public Boolean getHealthcheck() {
    return healthcheck;
  }

  public void setHealthcheck(Boolean healthcheck) {
    this.healthcheck = healthcheck;
  }

  public List<String> getSecretEnvNames() {
    return secretEnvNames;
  }

  public void setSecretEnvNames(List<String> secretEnvNames) {
    this.secretEnvNames = secretEnvNames == null ? new ArrayList<>() : secretEnvNames;
  }

  public OffsetDateTime getCreated() {
    return created;
  }

  public void setCreated(OffsetDateTime created) {
    this.created = created;
  }
}
