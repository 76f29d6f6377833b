package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** One workload (in the ScanResult's namespace) whose pods run the image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadUse {
  @JsonPropertyDescription(
      "Kind of the top-level owner, for example Deployment, or Pod for a bare pod.")
  private String kind;

  @JsonPropertyDescription("Name of the top-level owner.")
  private String name;

  @JsonPropertyDescription("Pods of this workload running the digest.")
  @Min(0)
  private Integer pods;

  public WorkloadUse() {}

  public WorkloadUse(String kind, String name, Integer pods) {
    this.kind = kind;
    this.name = name;
    this.pods = pods;
  }

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

  public Integer getPods() {
    return pods;
  }

  public void setPods(Integer pods) {
    this.pods = pods;
  }
}
