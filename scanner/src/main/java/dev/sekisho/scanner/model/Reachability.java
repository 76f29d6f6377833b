package dev.sekisho.scanner.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a Go binary contains the vulnerable code of a finding, from the advisory's symbols and
 * the binary's symbol table (see docs/vulnerability-database.md). Written {@code true}, {@code
 * false} or {@code unknown} in every report.
 */
public enum Reachability {
  /** The binary contains a vulnerable symbol (or a function of a wholly vulnerable package). */
  REACHABLE("true"),
  /** The binary's complete symbol table contains none of the vulnerable symbols. */
  UNREACHABLE("false"),
  /** The binary's symbols could not be read, or an absent symbol may have been inlined. */
  UNKNOWN("unknown");

  private final String label;

  Reachability(String label) {
    this.label = label;
  }

  /** {@code true}, {@code false} or {@code unknown}. */
  @JsonValue
  public String label() {
    return label;
  }

  /** From {@link #label()} (or the constant's name); null for null. */
  @JsonCreator
  public static Reachability of(String s) {
    if (s == null) {
      return null;
    }
    for (Reachability r : values()) {
      if (r.label.equalsIgnoreCase(s) || r.name().equalsIgnoreCase(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("reachable must be true, false or unknown, not " + s);
  }
}
