package dev.sekisho.cli;

import dev.sekisho.scanner.report.ReportFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * The destinations of each target: {@code {index}} (1, 2, …) and {@code {target}} (the reference
   * with every character but letters, digits, '.', '_' and '-' replaced by '_') in a file name are
   * replaced. With several targets every file must name one of them, and no two targets may write
   * the same file: a report is never overwritten by the next target's.
   *
   * @throws UserInputException naming the option and how to fix it
   */
  static List<List<Destination>> perTarget(List<Destination> destinations, List<String> targets) {
    List<List<Destination>> out = new ArrayList<>();
    Map<Path, String> written = new HashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      List<Destination> mine = new ArrayList<>();
      for (Destination d : destinations) {
        if (d.file() == null) {
          mine.add(d);
          continue;
        }
        String name = d.file().toString();
        if (targets.size() > 1 && !name.contains("{index}") && !name.contains("{target}")) {
          throw new UserInputException(
              "report file "
                  + name
                  + " would be written for each of "
                  + targets.size()
                  + " targets: put {index} or {target} in its name, e.g. '"
                  + withTarget(name)
                  + "'");
        }
        Path file =
            Path.of(
                name.replace("{index}", Integer.toString(i + 1))
                    .replace("{target}", fileSafe(targets.get(i))));
        String other = written.putIfAbsent(file.toAbsolutePath().normalize(), targets.get(i));
        if (other != null) {
          throw new UserInputException(
              "targets "
                  + other
                  + " and "
                  + targets.get(i)
                  + " would both write "
                  + file
                  + ": use {index} in the name");
        }
        mine.add(new Destination(d.format(), file));
      }
      out.add(mine);
    }
    return out;
  }

  /** {@code target} as a file name part: letters, digits, '.', '_' and '-'; the rest '_'. */
  static String fileSafe(String target) {
    String safe = target.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.startsWith(".") ? "_" + safe.substring(1) : safe;
  }

  /** scan.json → scan-{target}.json */
  private static String withTarget(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash + 1
        ? name.substring(0, dot) + "-{target}" + name.substring(dot)
        : name + "-{target}";
  }

  private static ReportFormat format(String name) {
    try {
      return ReportFormat.of(name);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
