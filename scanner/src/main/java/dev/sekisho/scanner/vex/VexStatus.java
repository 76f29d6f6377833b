package dev.sekisho.scanner.vex;

import java.util.Locale;

/** The status a VEX statement gives a vulnerability in a product (OpenVEX's names). */
public enum VexStatus {
  NOT_AFFECTED,
  AFFECTED,
  FIXED,
  UNDER_INVESTIGATION;

  /** True for the statuses that suppress a finding: not_affected and fixed. */
  public boolean suppresses() {
    return this == NOT_AFFECTED || this == FIXED;
  }

  /** The OpenVEX spelling: not_affected, affected, fixed, under_investigation. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
