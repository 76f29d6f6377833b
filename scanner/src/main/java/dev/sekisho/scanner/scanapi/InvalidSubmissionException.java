package dev.sekisho.scanner.scanapi;

/**
 * A scan API request that breaks the contract; the operator answers 400 with {@link #getMessage},
 * which names the field: {@code field 'digest' must be sha256: followed by 64 lower-case hex
 * digits}.
 */
public final class InvalidSubmissionException extends Exception {
  private final String field;

  public InvalidSubmissionException(String field, String problem) {
    super("field '" + field + "' " + problem);
    this.field = field;
  }

  /** The field at fault, as a dotted path ({@code tekton.pipelineRun}). */
  public String field() {
    return field;
  }
}
