package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Operating system of the image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OsInfo {
  @JsonPropertyDescription("OS family as os-release ID names it (debian, alpine, rhel, ubuntu, …).")
  private String family;

  @JsonPropertyDescription("OS version (VERSION_ID).")
  private String version;

  @JsonPropertyDescription("Human-readable name (PRETTY_NAME).")
  private String name;

  public String getFamily() {
    return family;
  }

  public void setFamily(String family) {
    this.family = family;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
