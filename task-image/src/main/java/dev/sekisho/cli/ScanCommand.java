package dev.sekisho.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SummaryLine;
import dev.sekisho.scanner.scan.ImageScan;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanOutcome;
import dev.sekisho.scanner.scan.ScanPipeline;
import dev.sekisho.scanner.vex.VexStatements;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
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
      "Without --policy or --fail-on the scan exits 0 whatever it finds.",
      "",
      "With --server URL (the scan-image Tekton Task's mode) the local database and policies are"
          + " not used: the inventory goes to the Sekisho operator's scan API, which records a"
          + " ScanResult, applies the cluster's policies and decides the verdict."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCode.HELP_0, ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3})
final class ScanCommand implements Callable<Integer> {
  private static final Pattern DIGEST =
      Pattern.compile("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$");

  private final CliContext context;

  @Parameters(paramLabel = "TARGET", description = "What to scan (see above).")
  String target;

  @Mixin PolicyOptions policy;
  @Mixin OutputOptions output;
  @Mixin ImageOptions image;
  @Mixin DbOptions db;
  @Mixin ServerOptions server;

  @Option(
      names = "--digest",
      paramLabel = "SHA",
      description =
          "Manifest digest of the image (sha256:…): a registry image is pulled as REF@SHA, so a"
              + " tag moved since the build cannot change what is scanned; the tag stays the"
              + " recorded name. Empty means none (the Task passes --digest= when the build gave"
              + " no digest).")
  String digest;

  @Option(
      names = "--fail-open",
      description =
          "With --server: exit 0 (VERDICT=Error) instead of 3 when the scan API cannot be reached,"
              + " does not answer in time or answers 5xx (after --server-wait). The image is then"
              + " NOT checked. A refused token or ServiceAccount (401/403), a TLS failure or an"
              + " answer without a verdict still exit 3.")
  boolean failOpen;

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
    Target parsed = pinned(ImageOptions.target(target), digest());
    if (server.enabled(context)) {
      return serverScan(parsed);
    }
    List<NamedPolicy> policies = policy.load();
    for (NamedPolicy p : policies) {
      if (p.spec() != null && !p.spec().getVex().isEmpty()) {
        throw new UserInputException(
            p.displayName()
                + ": vex references ConfigMaps, which only the operator reads; give the"
                + " documents to the scan with --vex FILE");
      }
    }
    VexStatements vex = policy.loadVex();
    List<OutputOptions.Destination> destinations = output.destinations();
    Progress progress = new Progress(context);
    Databases databases = new Databases(context, db, progress);
    try {
      CompletableFuture<VulnDatabase> opening =
          Databases.openInBackground(databases.prepareForScan(offline, skipDbUpdate));
      InspectOptions inspect;
      Inventory inventory;
      try {
        inspect = image.inspectOptions(context, progress);
        inventory = Inventories.read(parsed, inspect, image.timeout());
      } catch (IOException | RuntimeException e) {
        Databases.closeWhenOpen(opening);
        throw e;
      }
      try (VulnDatabase vdb = Databases.await(opening)) {
        databases.warnIfStale(vdb);
        progress.step("matching " + inventory.packages().size() + " packages");
        ScanOutcome outcome =
            ScanPipeline.scan(
                new ScanInput(
                    new ScanInput.Received(inventory),
                    MatchingDatabase.of(vdb),
                    new ScanInput.Policies(
                        policies, TektonContext.from(context).pipeline(), true, vex),
                    // no OCI base-image annotation: compare leading layers with the allowed bases
                    baseImages(inspect),
                    context.clock(),
                    null));
        if (!output.quiet) {
          for (ScanOutcome.Skipped skipped : outcome.skipped()) {
            context
                .err()
                .println(
                    "policy "
                        + skipped.policy().displayName()
                        + " does not apply: "
                        + skipped.reason());
          }
        }
        ScanReport report = outcome.report();
        Evaluation evaluation = outcome.evaluation();
        progress.done();
        ReportInput input = new ReportInput(report, evaluation);
        new ReportOutput(context).write(input, destinations);
        if (!output.quiet) {
          context.err().println(SummaryLine.render(input));
        }
        return evaluation == null ? ExitCode.PASS.code() : ExitCode.of(evaluation.verdict()).code();
      }
    } finally {
      progress.done();
    }
  }

  /**
   * The Tekton step's mode: read the inventory as the local path does, but let the operator's scan
   * API match, record and decide. No local database is opened.
   */
  private int serverScan(Target parsed) throws IOException {
    refuseLocalOnlyOptions();
    Progress progress = new Progress(context);
    try {
      Inventory inventory =
          Inventories.read(parsed, image.inspectOptions(context, progress), image.timeout());
      progress.done();
      String recorded = digest();
      if (recorded != null
          && parsed.kind() != Target.Kind.REGISTRY
          && inventory.image() != null
          && inventory.image().digest() != null
          && !recorded.equals(inventory.image().digest())) {
        throw new UserInputException(
            "--digest "
                + recorded
                + " does not match "
                + target
                + ", whose manifest digest is "
                + inventory.image().digest());
      }
      return new ServerScan(context, server, json())
          .run(imageName(parsed), recorded, platform(), inventory, failOpen);
    } finally {
      progress.done();
    }
  }

  /**
   * In server mode the operator's policies decide and the step writes only the SBOMs and the Tekton
   * results: the options of a local verdict or local reports would be ignored, so they are refused.
   */
  private void refuseLocalOnlyOptions() {
    List<String> given = new ArrayList<>();
    if (!policy.policyFiles.isEmpty()) {
      given.add("--policy");
    }
    if (policy.failOn != null) {
      given.add("--fail-on");
    }
    if (!policy.vexFiles.isEmpty()) {
      given.add("--vex");
    }
    if (output.format != null) {
      given.add("--format");
    }
    if (output.output != null) {
      given.add("--output");
    }
    if (!output.reports.isEmpty()) {
      given.add("--report");
    }
    if (!given.isEmpty()) {
      throw new UserInputException(
          String.join(", ", given)
              + (given.size() == 1 ? " does" : " do")
              + " not apply with --server: the operator decides with the cluster's ScanPolicy and"
              + " ClusterScanPolicy resources, and the step writes only the Tekton results and,"
              + " with --reports-dir, sbom.cdx.json and sbom.spdx.json (the findings and the"
              + " verdict are in the ScanResult: kubectl get scanresult -o yaml). Drop the option,"
              + " or scan without --server for a local verdict and local reports.");
    }
  }

  /** The digest from --digest, null when not given or empty. */
  private String digest() {
    if (digest == null || digest.isBlank()) {
      return null;
    }
    String d = digest.strip();
    if (!DIGEST.matcher(d).matches()) {
      throw new UserInputException(
          "invalid --digest '" + digest + "': expected ALGORITHM:HEX, e.g. sha256:<64 hex digits>");
    }
    return d;
  }

  /**
   * A registry target pinned to {@code digest}. A reference that already names another digest is a
   * contradiction the user must resolve; local targets are read as they are.
   */
  static Target pinned(Target parsed, String digest) {
    if (digest == null || parsed.kind() != Target.Kind.REGISTRY) {
      return parsed;
    }
    ImageReference ref = parsed.reference();
    if (ref.digest() != null && !ref.digest().equals(digest)) {
      throw new UserInputException(
          "--digest " + digest + " contradicts the digest in " + parsed.input());
    }
    return new Target(parsed.kind(), ref.withDigest(digest), null, null, parsed.input());
  }

  /** The image as the pipeline named it: the tag for registry images, never the pinned digest. */
  private String imageName(Target parsed) {
    if (parsed.kind() == Target.Kind.REGISTRY) {
      ImageReference ref = parsed.reference();
      String tag = ref.effectiveTag();
      return tag != null ? ref.name() + ":" + tag : ref.toString();
    }
    return parsed.input();
  }

  private String platform() {
    return image.platform == null || image.platform.isBlank() ? null : image.platform.strip();
  }

  private static ObjectMapper json() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /** Resolves allowed base images through the same registry settings as the scanned image. */
  private static BaseImageResolver baseImages(InspectOptions inspect) {
    return ref -> {
      try (RegistryClient client = new RegistryClient(inspect.registry())) {
        return ImageScan.registryResolver(client, inspect.platform()).layerDiffIds(ref);
      }
    };
  }
}
