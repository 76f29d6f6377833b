package dev.sekisho.scanner.report;

/**
 * Presentation options shared by the report writers.
 *
 * @param color use ANSI colours (terminal table only); the CLI sets it when stdout is a terminal
 *     and NO_COLOR is unset
 */
public record ReportOptions(boolean color) {
  /** No colour. */
  public static ReportOptions plain() {
    return new ReportOptions(false);
  }
}
