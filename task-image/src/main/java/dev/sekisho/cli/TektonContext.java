package dev.sekisho.cli;

/**
 * The Tekton run a step belongs to, from the environment the scan-image Task sets
 * (SEKISHO_TEKTON_PIPELINE_RUN, …_UID, …_TASK_RUN, …_PIPELINE). Empty values mean "not in a
 * pipeline" (a TaskRun started alone has no PipelineRun).
 */
record TektonContext(String pipelineRun, String pipelineRunUid, String taskRun, String pipeline) {

  static TektonContext from(CliContext context) {
    return new TektonContext(
        env(context, "SEKISHO_TEKTON_PIPELINE_RUN"),
        env(context, "SEKISHO_TEKTON_PIPELINE_RUN_UID"),
        env(context, "SEKISHO_TEKTON_TASK_RUN"),
        env(context, "SEKISHO_TEKTON_PIPELINE"));
  }

  boolean isEmpty() {
    return pipelineRun == null && taskRun == null && pipeline == null;
  }

  private static String env(CliContext context, String name) {
    String v = context.env().get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
