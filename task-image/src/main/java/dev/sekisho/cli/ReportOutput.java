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
