package dev.sekisho.cli;

import dev.sekisho.scanner.image.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SummaryLine;
import dev.sekisho.scanner.scan.ImageScan;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sekisho scan TARGET}: scan an image and judge it by policies. */
@Command(
    name = "scan",
    description = {
      "Scan an image for vulnerabilities, secrets and misconfigurations, and judge it by policies.",
      "",
      "TARGET is an image in a registry (alpine:3.20, docker://REF, registry:REF), an OCI layout"
          + " (oci:DIR[:TAG]), an OCI archive (oci-archive:FILE[:TAG]), a docker save tarball"
          + " (docker-archive:FILE[:REF]) or an SBOM (sbom:FILE, CycloneDX or SPDX JSON).",
      "",
      "Without --policy or --fail-on the scan exits 0 whatever it finds."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCode.HELP_0, ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3})
final class ScanCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "TARGET", description = "What to scan (see above).")
  String target;

  @Mixin PolicyOptions policy;
  @Mixin OutputOptions output;
  @Mixin ImageOptions image;
  @Mixin DbOptions db;

  @Option(
      names = "--offline",
      description =
          "Never download the vulnerability database (it must exist: see `sekisho db import`).")
  boolean offline;

  @Option(
      names = "--skip-db-update",
      description = "Use the database as it is, even when it is missing or stale.")
  boolean skipDbUpdate;

  ScanCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    // validate every input before the slow part
    Target parsed = ImageOptions.target(target);
    List<NamedPolicy> policies = policy.load();
    List<OutputOptions.Destination> destinations = output.destinations();
    Progress progress = new Progress(context);
    Instant now = context.clock().instant();
    Databases databases = new Databases(context, db, progress);
    try (VulnDatabase vdb = databases.openForScan(offline, skipDbUpdate)) {
      Inventory inventory = Inventories.read(parsed, image.inspectOptions(context, progress));
      progress.step("matching " + inventory.packages().size() + " packages");
      ScanReport report = ImageScan.report(inventory, vdb, now);
      Evaluation evaluation = policies.isEmpty() ? null : ImageScan.evaluate(report, policies, now);
      progress.done();
      ReportInput input = new ReportInput(report, evaluation);
      new ReportOutput(context).write(input, destinations);
      if (!output.quiet) {
        context.err().println(SummaryLine.render(input));
      }
      return evaluation == null ? ExitCode.PASS.code() : ExitCode.of(evaluation.verdict()).code();
    } finally {
      progress.done();
    }
  }
}
