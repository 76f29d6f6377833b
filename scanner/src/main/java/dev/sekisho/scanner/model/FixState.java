package dev.sekisho.scanner.model;

/** Whether a fix exists for a vulnerable package, as the advisory states it. */
public enum FixState {
  /** A fixed version is published. */
  FIXED,
  /** Affected, and no fix is published yet. */
  NOT_FIXED,
  /**
   * The distribution decided not to fix it (e.g. Debian "no-dsa"/"ignored", Red Hat "will not
   * fix").
   */
  WONT_FIX,
  /** The state is not known. */
  UNKNOWN,
  /**
   * The advisory covers the package but not the installed version (a distribution's "not
   * affected"): reported only when the matcher is asked for such statements.
   */
  NOT_AFFECTED
}
