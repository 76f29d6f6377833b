package dev.sekisho.cli;

import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.report.ReportFormat;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sekisho sbom TARGET}: the image's inventory as an SBOM, without vulnerability matching.
 */
@Command(
    name = "sbom",
    description =
        "Write the image's software bill of materials (no vulnerability database needed).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCode.HELP_0, ExitCode.HELP_2, ExitCode.HELP_3})
final class SbomCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "TARGET", description = "What to read (as for `sekisho scan`).")
  String target;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "cyclonedx",
      description =
          "cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON). Default ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE instead of stdout.")
  Path output;

  @Mixin ImageOptions image;

  SbomCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Target parsed = ImageOptions.target(target);
    ReportFormat f = null;
    try {
      f = ReportFormat.of(format);
    } catch (IllegalArgumentException e) {
      // reported below with the valid choices
    }
    if (f != ReportFormat.CYCLONEDX && f != ReportFormat.SPDX) {
      throw new UserInputException("invalid --format '" + format + "' (valid: cyclonedx, spdx)");
    }
    Progress progress = new Progress(context);
    try {
      Inventory inventory =
          Inventories.read(parsed, image.inspectOptions(context, progress), image.timeout());
      // the one scan function without a database or policies: packages and facts only
      ScanReport report =
          ScanPipeline.scan(
                  new ScanInput(
                      new ScanInput.Received(inventory), null, null, null, context.clock(), null))
              .report();
      progress.done();
      new ReportOutput(context)
          .write(new ReportInput(report), List.of(new OutputOptions.Destination(f, output)));
      return ExitCode.PASS.code();
    } finally {
      progress.done();
    }
  }
}
