package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the image of a ScanResult runs in the ScanResult's own namespace, from the operator's
 * read-only watch of Pods. Written by the ScanResult reconciler only; absent when no watched pod
 * runs the image's digest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InUse {
  @JsonPropertyDescription(
      "Running or pending pods of this namespace whose container runs the digest.")
  @Min(0)
  private Integer pods;

  @JsonPropertyDescription(
      "The workloads owning those pods (top-level owner: Deployment, StatefulSet, DaemonSet, Job,"
          + " CronJob, or the Pod itself), at most 50; workloadCount has the total.")
  @Size(max = 50)
  private List<WorkloadUse> workloads = new ArrayList<>();

  @JsonPropertyDescription("Total number of workloads running the digest in this namespace.")
  @Min(0)
  private Integer workloadCount;

  public Integer getPods() {
    return pods;
  }

  public void setPods(Integer pods) {
    this.pods = pods;
  }

  public List<WorkloadUse> getWorkloads() {
    return workloads;
  }

  public void setWorkloads(List<WorkloadUse> workloads) {
    this.workloads = workloads == null ? new ArrayList<>() : workloads;
  }

  public Integer getWorkloadCount() {
    return workloadCount;
  }

  public void setWorkloadCount(Integer workloadCount) {
    this.workloadCount = workloadCount;
  }
}
