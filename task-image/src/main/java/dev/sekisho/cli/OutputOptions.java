package dev.sekisho.cli;

import dev.sekisho.scanner.report.ReportFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which reports a scan writes, and where. */
final class OutputOptions {
  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description =
          "Report format on stdout (or --output): table, json, sarif, cyclonedx, spdx, html, openvex,"
              + " summary. Default table.")
  String format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the --format report to FILE instead of stdout.")
  Path output;

  @Option(
      names = "--report",
      paramLabel = "FORMAT=FILE",
      split = ",",
      description =
          "Also write a report in FORMAT to FILE; repeatable (--report json=scan.json"
              + " --report sarif=scan.sarif).")
  List<String> reports = new ArrayList<>();

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not print the one-line summary on stderr.")
  boolean quiet;

  /** One report to write: a format and a file (null: stdout). */
  record Destination(ReportFormat format, Path file) {}

  /**
   * Every report to write, the --format one first.
   *
   * @throws UserInputException for an unknown format or a malformed FORMAT=FILE pair
   */
  List<Destination> destinations() {
    List<Destination> out = new ArrayList<>();
    out.add(new Destination(format(format == null ? "table" : format), output));
    for (String pair : reports) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new UserInputException(
            "invalid --report '" + pair + "': expected FORMAT=FILE, e.g. json=scan.json");
      }
      out.add(new Destination(format(pair.substring(0, eq)), Path.of(pair.substring(eq + 1))));
    }
    return out;
  }

  private static ReportFormat format(String name) {
    try {
      return ReportFormat.of(name);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
