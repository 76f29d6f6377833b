package dev.sekisho.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sekisho scan TARGET…}: scan images and judge them by policies. */
@Command(
    name = "scan",
    description = {
      "Scan an image for vulnerabilities, secrets and misconfigurations, and judge it by policies.",
      "",
      "TARGET is an image in a registry (alpine:3.20, docker://REF, registry:REF), an OCI layout"
          + " (oci:DIR[:TAG]), an OCI archive (oci-archive:FILE[:TAG]), a docker save tarball"
          + " (docker-archive:FILE[:REF]) or an SBOM (sbom:FILE, CycloneDX or SPDX JSON).",
      "",
      "Several TARGETs (or --targets-file) are scanned one after the other in one process, with"
          + " one database and one layer cache; each gets its reports (put {index} or {target} in"
          + " the --output and --report file names) and its summary line. A target that fails"
          + " does not stop the others; the exit code is the highest of the targets' codes (3 if"
          + " any hit a scanner error, else 2 if any hit an input error, else 1 if any failed a"
          + " policy, else 0). Input errors found before scanning (flags, a malformed reference,"
          + " a missing file) stop the command with 2 before any target is scanned.",
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

  /** The most targets one command scans (from the arguments and --targets-file together). */
  static final int MAX_TARGETS = 10_000;

  /** The largest --targets-file read. */
  static final long MAX_TARGETS_FILE_BYTES = 1 << 20;

  @Parameters(
      paramLabel = "TARGET",
      arity = "0..*",
      description = "What to scan (see above); several are scanned in turn.")
  List<String> targetArgs = new ArrayList<>();

  @Option(
      names = "--targets-file",
      paramLabel = "FILE",
      description =
          "Also scan the targets listed in FILE: one per line; blank lines and lines starting"
              + " with # are skipped.")
  Path targetsFile;

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

  /** The --vex documents' statements, read once for every target. */
  private VexStatements vex = VexStatements.none();

  ScanCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    // validate every input before the slow part
    List<String> inputs = targetInputs();
    String pinnedDigest = digest();
    if (inputs.size() > 1 && pinnedDigest != null) {
      throw new UserInputException(
          "--digest names one image's manifest, but "
              + inputs.size()
              + " targets are given: scan them one at a time, or pin each as REF@sha256:…");
    }
    List<Target> parsed = new ArrayList<>();
    for (String input : inputs) {
      parsed.add(pinned(ImageOptions.target(input), pinnedDigest));
    }
    if (server.enabled(context)) {
      if (parsed.size() > 1) {
        throw new UserInputException(
            "--server scans one TARGET (the step's image); "
                + parsed.size()
                + " are given: run one step per image");
      }
      return serverScan(parsed.get(0));
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
    vex = policy.loadVex();
    List<OutputOptions.Destination> destinations = output.destinations();
    if (image.allPlatforms()) {
      ReportOutput.checkPerPlatform(destinations);
    }
    List<List<OutputOptions.Destination>> perTarget = OutputOptions.perTarget(destinations, inputs);
    Progress progress = new Progress(context);
    Databases databases = new Databases(context, db, progress);
    try {
      CompletableFuture<VulnDatabase> opening =
          Databases.openInBackground(databases.prepareForScan(offline, skipDbUpdate));
      InspectOptions inspect;
      try {
        inspect = image.inspectOptions(context, progress);
      } catch (RuntimeException e) {
        Databases.closeWhenOpen(opening);
        throw e;
      }
      if (parsed.size() == 1) {
        Shared shared = new Shared(opening, databases, inspect, policies, progress);
        try {
          return scan(parsed.get(0), perTarget.get(0), shared);
        } finally {
          shared.close();
        }
      }
      Shared shared = new Shared(opening, databases, inspect, policies, progress);
      try {
        int worst = ExitCode.PASS.code();
        for (int i = 0; i < parsed.size(); i++) {
          int code;
          try {
            code = scan(parsed.get(i), perTarget.get(i), shared);
          } catch (IOException | RuntimeException e) {
            if (shared.databaseFailed()) {
              throw e; // no target can be matched without the database
            }
            progress.done();
            code = ExitCode.of(e).code();
            context.err().println("sekisho: error: " + parsed.get(i).input() + ": " + message(e));
          }
          worst = Math.max(worst, code);
        }
        return worst;
      } finally {
        shared.close();
      }
    } finally {
      progress.done();
    }
  }

  /** What every target of one command shares: the database (opened once) and the settings. */
  private static final class Shared {
    final CompletableFuture<VulnDatabase> opening;
    final Databases databases;
    final InspectOptions inspect;
    final List<NamedPolicy> policies;
    final Progress progress;
    private VulnDatabase vdb;
    private boolean failed;

    Shared(
        CompletableFuture<VulnDatabase> opening,
        Databases databases,
        InspectOptions inspect,
        List<NamedPolicy> policies,
        Progress progress) {
      this.opening = opening;
      this.databases = databases;
      this.inspect = inspect;
      this.policies = policies;
      this.progress = progress;
    }

    /** The database, waited for and checked for staleness on first use. */
    VulnDatabase database() throws IOException {
      if (vdb == null) {
        try {
          vdb = Databases.await(opening);
        } catch (IOException | RuntimeException e) {
          failed = true;
          throw e;
        }
        databases.warnIfStale(vdb);
      }
      return vdb;
    }

    boolean databaseFailed() {
      return failed;
    }

    void close() throws IOException {
      if (vdb != null) {
        vdb.close();
      } else if (!failed) {
        Databases.closeWhenOpen(opening);
      }
    }
  }

  /**
   * One target: read, match, judge, report (one report per platform with {@code --platform all});
   * its exit code, from the worst verdict of its platforms.
   */
  private int scan(Target parsed, List<OutputOptions.Destination> destinations, Shared shared)
      throws IOException {
    List<ReportOutput.PlatformReport> reports = new ArrayList<>();
    Verdict worst = null;
    for (PlatformScan scan : platformScans(parsed, shared.inspect)) {
      Inventory inventory = Inventories.read(scan.target(), scan.inspect(), image.timeout());
      ReportInput input =
          scanOne(inventory, scan.inspect(), shared.database(), shared.policies, shared.progress);
      reports.add(new ReportOutput.PlatformReport(scan.platform(), input));
      Verdict v = input.evaluation() == null ? Verdict.Pass : input.evaluation().verdict();
      worst = worst == null ? v : worst.stricter(v);
    }
    shared.progress.done();
    new ReportOutput(context).write(reports, destinations);
    if (!output.quiet) {
      for (ReportOutput.PlatformReport r : reports) {
        context
            .err()
            .println(
                (r.platform() == null ? "" : r.platform() + ": ") + SummaryLine.render(r.input()));
      }
    }
    return worst == null ? ExitCode.PASS.code() : ExitCode.of(worst).code();
  }

  /** One platform to scan: the target pinned to its manifest, and its inspect options. */
  record PlatformScan(String platform, Target target, InspectOptions inspect) {}

  /**
   * What to scan: the target as given, or with {@code --platform all} and an index, every platform
   * it lists, each pinned to its manifest digest (so each report and ScanResult names the
   * platform's own manifest). A single-platform image is scanned once.
   */
  private List<PlatformScan> platformScans(Target parsed, InspectOptions inspect)
      throws IOException {
    if (!image.allPlatforms()) {
      return List.of(new PlatformScan(null, parsed, inspect));
    }
    Map<Platform, String> platforms = ImageScan.platforms(parsed, inspect);
    if (platforms.isEmpty()) {
      return List.of(new PlatformScan(null, parsed, inspect));
    }
    List<PlatformScan> out = new ArrayList<>();
    for (Map.Entry<Platform, String> e : platforms.entrySet()) {
      Target pinned =
          new Target(
              parsed.kind(),
              parsed.reference().withDigest(e.getValue()),
              null,
              null,
              parsed.input());
      out.add(new PlatformScan(e.getKey().toString(), pinned, inspect.withPlatform(e.getKey())));
    }
    return out;
  }

  private ReportInput scanOne(
      Inventory inventory,
      InspectOptions inspect,
      VulnDatabase vdb,
      List<NamedPolicy> policies,
      Progress progress)
      throws IOException {
    progress.step("matching " + inventory.packages().size() + " packages");
    ScanOutcome outcome =
        ScanPipeline.scan(
            new ScanInput(
                new ScanInput.Received(inventory),
                MatchingDatabase.of(vdb),
                new ScanInput.Policies(policies, TektonContext.from(context).pipeline(), true, vex),
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
    return new ReportInput(report, evaluation);
  }

  /** A failed target's message, as the CLI prints a command's failure. */
  private static String message(Exception e) {
    if (ExitCode.expected(e)) {
      return e.getMessage();
    }
    return (e.getMessage() != null ? e.getMessage() : e.toString())
        + " (run with --debug for details)";
  }

  /**
   * The targets from the arguments, then from --targets-file.
   *
   * @throws UserInputException when there is none, too many, or the file cannot be read
   */
  List<String> targetInputs() {
    List<String> inputs = new ArrayList<>(targetArgs);
    if (targetsFile != null) {
      inputs.addAll(readTargetsFile(targetsFile));
    }
    if (inputs.isEmpty()) {
      throw new UserInputException(
          targetsFile != null
              ? "targets file " + targetsFile + " lists no target"
              : "missing TARGET: name an image to scan, or --targets-file FILE");
    }
    if (inputs.size() > MAX_TARGETS) {
      throw new UserInputException(
          inputs.size()
              + " targets given; one command scans at most "
              + MAX_TARGETS
              + ": split the list over several commands");
    }
    return inputs;
  }

  static List<String> readTargetsFile(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new UserInputException("targets file " + file + " does not exist");
      }
      long size = Files.size(file);
      if (size > MAX_TARGETS_FILE_BYTES) {
        throw new UserInputException(
            "targets file "
                + file
                + " is "
                + size
                + " bytes; at most "
                + MAX_TARGETS_FILE_BYTES
                + " are read: split it over several commands");
      }
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UserInputException("cannot read targets file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The Tekton step's mode: read the inventory as the local path does, but let the operator's scan
   * API match, record and decide. No local database is opened.
   */
  private int serverScan(Target parsed) throws IOException {
    String target = parsed.input();
    refuseLocalOnlyOptions();
    Progress progress = new Progress(context);
    try {
      String recorded = digest();
      if (image.allPlatforms()) {
        List<PlatformScan> scans = platformScans(parsed, image.inspectOptions(context, progress));
        if (scans.size() > 1 || scans.getFirst().platform() != null) {
          List<ServerScan.Scan> submitted = new ArrayList<>();
          for (PlatformScan scan : scans) {
            Inventory inventory = Inventories.read(scan.target(), scan.inspect(), image.timeout());
            submitted.add(
                new ServerScan.Scan(
                    scan.platform(), scan.target().reference().digest(), inventory));
          }
          progress.done();
          return new ServerScan(context, server, json())
              .runAll(imageName(parsed), recorded, submitted, failOpen);
        }
      }
      Inventory inventory =
          Inventories.read(parsed, image.inspectOptions(context, progress), image.timeout());
      progress.done();
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
    if (policy.secretsIgnore != null) {
      given.add("--secrets-ignore");
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
    return image.platform == null || image.platform.isBlank() || image.allPlatforms()
        ? null
        : image.platform.strip();
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
