package dev.sekisho.api.v1alpha1;

/** Normalised vulnerability severity, ordered from the most to the least severe. */
public enum Severity {
  Critical,
  High,
  Medium,
  Low,
  Unknown;

  /** True when this severity is at least as severe as {@code threshold}. */
  public boolean atLeast(Severity threshold) {
    return this != Unknown && threshold != Unknown && ordinal() <= threshold.ordinal();
  }
}
