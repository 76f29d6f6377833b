package dev.sekisho.cli;

import dev.sekisho.scanner.report.ReportFormat;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.list.ReportWriters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes reports to stdout or files (each file replaced atomically). */
final class ReportOutput {
  private final CliContext context;

  ReportOutput(CliContext context) {
    this.context = context;
  }

  /** One platform's report; {@code platform} is null when the image was scanned as one. */
  record PlatformReport(String platform, ReportInput input) {}

  /**
   * With {@code --platform all} each platform gets its own report: only the table and summary can
   * share standard output (one after another, each under a "== os/arch ==" line); a machine format
   * there would not be one valid document.
   *
   * @throws UserInputException naming the format and what to give instead
   */
  static void checkPerPlatform(List<OutputOptions.Destination> destinations) {
    for (OutputOptions.Destination d : destinations) {
      if (d.file() == null
          && d.format() != ReportFormat.TABLE
          && d.format() != ReportFormat.SUMMARY) {
        throw new UserInputException(
            "--platform all writes one "
                + d.format().id()
                + " report per platform, which cannot share standard output: give --output FILE"
                + " or --report "
                + d.format().id()
                + "=FILE (each platform's report is written to FILE with the platform in its"
                + " name, e.g. report.linux-amd64.json)");
      }
    }
  }

  /**
   * Writes every platform's reports: files get the platform in their name ({@link #platformFile}),
   * standard output gets them one after another.
   */
  void write(List<PlatformReport> reports, List<OutputOptions.Destination> destinations)
      throws IOException {
    for (PlatformReport r : reports) {
      if (r.platform() == null) {
        write(r.input(), destinations);
        continue;
      }
      List<OutputOptions.Destination> own = new java.util.ArrayList<>();
      for (OutputOptions.Destination d : destinations) {
        if (d.file() == null) {
          context.out().println("== " + r.platform() + " ==");
          own.add(d);
        } else {
          own.add(new OutputOptions.Destination(d.format(), platformFile(d.file(), r.platform())));
        }
      }
      write(r.input(), own);
    }
  }

  /** {@code report.json} for linux/arm/v7 is {@code report.linux-arm-v7.json}. */
  static Path platformFile(Path file, String platform) {
    String name = file.getFileName().toString();
    String tag = platform.replace('/', '-');
    int dot = name.lastIndexOf('.');
    String renamed =
        dot > 0 ? name.substring(0, dot) + "." + tag + name.substring(dot) : name + "." + tag;
    return file.resolveSibling(renamed);
  }

  void write(ReportInput input, List<OutputOptions.Destination> destinations) throws IOException {
    for (OutputOptions.Destination d : destinations) {
      if (d.file() == null) {
        boolean color = d.format() == ReportFormat.TABLE && context.terminal().colorOnStdout();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ReportWriters.of(d.format(), new ReportOptions(color)).write(input, buffer);
        context.out().print(buffer.toString(StandardCharsets.UTF_8));
        context.out().flush();
      } else {
        writeFile(input, d.format(), d.file());
      }
    }
  }

  private static void writeFile(ReportInput input, ReportFormat format, Path file)
      throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new UserInputException(
          "cannot write "
              + format
              + " report to "
              + file
              + ": directory "
              + dir
              + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ReportWriters.of(format, ReportOptions.plain()).write(input, out);
      }
      Files.move(
          tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
