package dev.sekisho.cli;

import dev.sekisho.api.v1alpha1.Severity;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sekisho cluster …}: what the operator knows about a cluster. */
@Command(
    name = "cluster",
    description = "Read what the Sekisho operator recorded in a cluster.",
    subcommands = {ClusterCommand.Report.class})
final class ClusterCommand {

  /** {@code sekisho cluster report}: images in use with their verdict and findings. */
  @Command(
      name = "report",
      description =
          "List the images running in the cluster (ScanResults in use) with their verdict and"
              + " their findings at or above --min-severity, as a table, JSON, CSV or a"
              + " self-contained HTML page. Reads the cluster like kubectl: --kubeconfig,"
              + " KUBECONFIG, ~/.kube/config, or the pod's ServiceAccount.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:report written; no image in use has verdict Fail",
        "1:report written; an image in use has verdict Fail",
        "2:usage or input error (bad flags, missing kubeconfig, unknown context)",
        "3:the cluster could not be read (unreachable, not authorised)"
      })
  static final class Report implements Callable<Integer> {
    private final CliContext context;

    @Option(
        names = "--kubeconfig",
        paramLabel = "FILE",
        description = "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
    Path kubeconfig;

    @Option(
        names = "--context",
        paramLabel = "NAME",
        description = "Kubeconfig context (default: its current-context).")
    String kubeContext;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        description = "Only this namespace (default: every namespace).")
    String namespace;

    @Option(
        names = "--min-severity",
        paramLabel = "SEVERITY",
        description = "List findings at or above: critical, high, medium, low. Default medium.")
    Severity minSeverity = Severity.Medium;

    @Option(
        names = {"-f", "--format"},
        paramLabel = "FORMAT",
        description = "table, json, csv or html. Default table.")
    String format;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write the report to FILE instead of stdout.")
    Path output;

    Report(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws IOException {
      ClusterReport.Format f = ClusterReport.Format.parse(format == null ? "table" : format);
      if (minSeverity == Severity.Unknown) {
        throw new UserInputException(
            "invalid --min-severity unknown: use critical, high, medium or low");
      }
      ClusterReport report;
      try (Kube kube = Kube.connect(context, kubeconfig, kubeContext)) {
        report =
            ClusterReport.read(
                kube.client(), kube.describe(), namespace, minSeverity, context.clock());
      }
      if (output == null) {
        report.write(f, context.out());
        context.out().flush();
      } else {
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
          throw new UserInputException("cannot write " + output + ": no directory " + parent);
        }
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
          report.write(f, w);
        }
      }
      List<ClusterReport.Row> failing = report.failing();
      context
          .err()
          .println(
              "sekisho: "
                  + report.rows().size()
                  + " image(s) in use, "
                  + failing.size()
                  + " failing"
                  + (output == null ? "" : "; report written to " + output));
      return failing.isEmpty() ? ExitCode.PASS.code() : ExitCode.POLICY_FAILURE.code();
    }
  }
}
