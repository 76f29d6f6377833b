package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where a scan came from: the Tekton run that asked for it, or a running workload whose image the
 * operator scanned itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanSource {
  /** {@link #getKind()} of a scan submitted by a pipeline's step. */
  public static final String KIND_PIPELINE_RUN = "PipelineRun";

  /** {@link #getKind()} of a scan the operator made of an image running without a ScanResult. */
  public static final String KIND_WORKLOAD = "Workload";

  @JsonPropertyDescription(
      "PipelineRun (submitted by the scan-image step) or Workload (an image found running without a"
          + " ScanResult, scanned by the operator). Absent means PipelineRun.")
  private String kind;

  @JsonPropertyDescription(
      "For kind Workload: the workload whose pod led the operator to scan the image.")
  private WorkloadUse workload;

  @JsonPropertyDescription("Namespace of the PipelineRun, or of the workload for kind Workload.")
  private String namespace;

  @JsonPropertyDescription("Name of the Pipeline.")
  private String pipeline;

  @JsonPropertyDescription(
      "Name of the PipelineRun; the operator stops it when the verdict is Fail under an Enforce policy.")
  private String pipelineRun;

  @JsonPropertyDescription(
      "UID of the PipelineRun, so a re-created run of the same name is not touched.")
  private String pipelineRunUid;

  @JsonPropertyDescription("Name of the TaskRun whose step submitted the scan.")
  private String taskRun;

  @JsonPropertyDescription(
      "ServiceAccount that submitted the scan (authenticated by the operator).")
  private String serviceAccount;

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getPipeline() {
    return pipeline;
  }

  public void setPipeline(String pipeline) {
    this.pipeline = pipeline;
  }

  public String getPipelineRun() {
    return pipelineRun;
  }

  public void setPipelineRun(String pipelineRun) {
    this.pipelineRun = pipelineRun;
  }

  public String getPipelineRunUid() {
    return pipelineRunUid;
  }

  public void setPipelineRunUid(String pipelineRunUid) {
    this.pipelineRunUid = pipelineRunUid;
  }

  public String getTaskRun() {
    return taskRun;
  }

  public void setTaskRun(String taskRun) {
    this.taskRun = taskRun;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  /** True when the operator scanned a running workload's image (not a pipeline's submission). */
  @JsonIgnore
  public boolean isWorkload() {
    return KIND_WORKLOAD.equals(kind);
  }

  public WorkloadUse getWorkload() {
    return workload;
  }

  public void setWorkload(WorkloadUse workload) {
    this.workload = workload;
  }
}
