package dev.sekisho.api.v1alpha1;

/** Outcome of evaluating policies against a scan, ordered from the mildest to the strictest. */
public enum Verdict {
  /** No policy is violated. */
  Pass,
  /** Only policies with action Warn are violated. */
  Warn,
  /** At least one Enforce policy is violated. */
  Fail,
  /** The scan or the evaluation could not be completed. */
  Error;

  /** The stricter of two verdicts (Error is the strictest: a gate fails closed). */
  public Verdict stricter(Verdict other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
