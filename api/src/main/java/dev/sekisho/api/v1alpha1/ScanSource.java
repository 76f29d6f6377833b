package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a scan came from: the Tekton run that asked for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanSource {
  @JsonPropertyDescription("Namespace of the PipelineRun.")
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
}
