package dev.sekisho.scanner.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The report formats, by the name users give on the command line. */
public enum ReportFormat {
  TABLE("table"),
  JSON("json"),
  SARIF("sarif"),
  CYCLONEDX("cyclonedx"),
  SPDX("spdx"),
  HTML("html"),
  OPENVEX("openvex"),
  SUMMARY("summary");

  private final String id;

  ReportFormat(String id) {
    this.id = id;
  }

  /** The name on the command line and in config files. */
  public String id() {
    return id;
  }

  /**
   * The format named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the valid formats when there is none of that name
   */
  public static ReportFormat of(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ReportFormat f : values()) {
      if (f.id.equals(wanted)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown report format '" + name + "' (valid: " + names() + ")");
  }

  /** The valid names, comma separated. */
  public static String names() {
    return Arrays.stream(values()).map(ReportFormat::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
