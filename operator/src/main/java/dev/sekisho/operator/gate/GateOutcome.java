package dev.sekisho.operator.gate;

/**
 * What the gate did with a PipelineRun.
 *
 * @param stopped true when the PipelineRun is cancelled because of this result (now or earlier)
 * @param reason condition reason: Stopped, PipelineRunDone, AlreadyCancelled, UidMismatch,
 *     NotFound, OtherNamespace, GateFailed (the Kubernetes API refused to read or patch the run)
 * @param message human-readable detail
 */
public record GateOutcome(boolean stopped, String reason, String message) {
  public static final String STOPPED = "Stopped";
  public static final String DONE = "PipelineRunDone";
  public static final String ALREADY_CANCELLED = "AlreadyCancelled";
  public static final String UID_MISMATCH = "UidMismatch";
  public static final String NOT_FOUND = "NotFound";
  public static final String OTHER_NAMESPACE = "OtherNamespace";
  public static final String FAILED = "GateFailed";
}
