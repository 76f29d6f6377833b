package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where a policy's VEX document is: a key of a ConfigMap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VexSource {
  @JsonPropertyDescription(
      "The ConfigMap key holding the VEX document (OpenVEX, CycloneDX VEX or CSAF VEX JSON). A"
          + " ScanPolicy's ConfigMap is in the policy's namespace; a ClusterScanPolicy's in the"
          + " operator's namespace (sekisho-system by default).")
  @Required
  private ConfigMapKeyReference configMapRef;

  public ConfigMapKeyReference getConfigMapRef() {
    return configMapRef;
  }

  public void setConfigMapRef(ConfigMapKeyReference configMapRef) {
    this.configMapRef = configMapRef;
  }
}
