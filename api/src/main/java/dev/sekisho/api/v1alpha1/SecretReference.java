package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret in the referring resource's own namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretReference {
  @JsonPropertyDescription("Name of the Secret (in the ScanNotifier's namespace).")
  @Required
  private String name;

  public SecretReference() {}

  public SecretReference(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
