package dev.sekisho.scanner.report.table;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;

/** ANSI colours, or none: every method returns its text unchanged when colour is off. */
record Ansi(boolean enabled) {
  static final String RESET = "\u001b[0m";
  static final String BOLD = "\u001b[1m";
  static final String RED = "\u001b[31m";
  static final String BRIGHT_RED = "\u001b[1;31m";
  static final String YELLOW = "\u001b[33m";
  static final String BLUE = "\u001b[34m";
  static final String GREEN = "\u001b[32m";
  static final String GREY = "\u001b[90m";

  String wrap(String colour, String text) {
    return enabled && colour != null && !colour.isEmpty() ? colour + text + RESET : text;
  }

  String bold(String text) {
    return wrap(BOLD, text);
  }

  String colour(Severity severity) {
    return switch (severity) {
      case Critical -> BRIGHT_RED;
      case High -> RED;
      case Medium -> YELLOW;
      case Low -> BLUE;
      case Unknown -> GREY;
    };
  }

  String colour(Verdict verdict) {
    return switch (verdict) {
      case Pass -> GREEN;
      case Warn -> YELLOW;
      case Fail, Error -> BRIGHT_RED;
    };
  }
}
