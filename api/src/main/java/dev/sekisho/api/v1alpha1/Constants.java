package dev.sekisho.api.v1alpha1;

/** Names shared by the CRDs, the operator, the Task and the CLI. */
public final class Constants {
  public static final String GROUP = "sekisho.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** The CRDs' category: {@code kubectl get sekisho} lists policies and results together. */
  public static final String CATEGORY = "sekisho";

  /** Label on a ScanResult naming the PipelineRun that produced it. */
  public static final String LABEL_PIPELINE_RUN = GROUP + "/pipeline-run";

  /** Label on a ScanResult naming the Pipeline that produced it. */
  public static final String LABEL_PIPELINE = GROUP + "/pipeline";

  /** Label on a ScanResult carrying the image digest's hex (without algorithm). */
  public static final String LABEL_IMAGE_DIGEST = GROUP + "/image-digest";

  /**
   * Label on a ScanResult, {@code "true"} while a watched pod of its namespace runs its digest
   * ({@code kubectl get scanresults -l sekisho.dev/in-use=true}); removed when none does.
   */
  public static final String LABEL_IN_USE = GROUP + "/in-use";

  /** Condition type: the resource was reconciled and is valid. */
  public static final String CONDITION_READY = "Ready";

  /** Condition type on a ScanResult: the policies were evaluated. */
  public static final String CONDITION_EVALUATED = "Evaluated";

  /** Condition type on a ScanResult: the PipelineRun that produced it was stopped. */
  public static final String CONDITION_PIPELINE_RUN_STOPPED = "PipelineRunStopped";

  /** Findings stored in a ScanResult spec at most; the full list lives in the store. */
  public static final int MAX_FINDINGS = 100;

  /** Violations stored in a ScanResult status at most. */
  public static final int MAX_VIOLATIONS = 100;

  private Constants() {}
}
