package dev.sekisho.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.sbom.CycloneDxWriter;
import dev.sekisho.scanner.sbom.SpdxWriter;
import dev.sekisho.scanner.scan.ScannerVersion;
import dev.sekisho.scanner.scanapi.ScanAnswer;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sekisho scan --server URL}: the Tekton step's mode. The step reads the image and takes its
 * inventory; the operator decides. It sends the inventory, image facts and secret findings to the
 * scan API as the pod's ServiceAccount, prints the verdict, writes the Tekton results (and the
 * SBOMs when a reports directory is given) and exits 1 on Fail, so Tekton never starts the tasks
 * after it. While the scan API refuses connections or answers 503 the step retries for up to {@code
 * --server-wait}; if it still cannot be reached the step fails closed (exit 3) unless {@code
 * --fail-open}.
 */
final class ServerScan {
  private final CliContext context;
  private final ServerOptions options;
  private final ObjectMapper json;

  ServerScan(CliContext context, ServerOptions options, ObjectMapper json) {
    this.context = context;
    this.options = options;
    this.json = json;
  }

  /**
   * Submits the inventory and reports the verdict.
   *
   * @param image the image as the user named it
   * @param digest the manifest digest to record (the inventory's when null)
   * @param platform the platform scanned, or null
   * @param inventory what the step found in the image
   * @param failOpen exit 0 (with VERDICT=Error) instead of 3 when the scan API is unavailable
   *     (unreachable, no answer in time, 5xx); never for a refused token or ServiceAccount, a TLS
   *     failure or an answer without a verdict
   */
  int run(String image, String digest, String platform, Inventory inventory, boolean failOpen) {
    return runAll(image, digest, List.of(new Scan(platform, digest, inventory)), failOpen);
  }

  /**
   * One platform's inventory to submit.
   *
   * @param platform os/arch[/variant], or null
   * @param digest the platform's manifest digest to record (the inventory's when null)
   */
  record Scan(String platform, String digest, Inventory inventory) {}

  /**
   * Submits one inventory per platform ({@code --platform all}: one ScanResult per platform
   * manifest) and reports the strictest verdict: the Tekton results hold that verdict, the
   * ScanResult names joined by commas and the counts summed over the platforms.
   *
   * @param recorded the digest the step was given (the index's), or null
   */
  int runAll(String image, String recorded, List<Scan> scans, boolean failOpen) {
    String server = options.server(context);
    URI uri;
    try {
      uri = URI.create(server.endsWith("/") ? server : server + "/");
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not an absolute http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--server " + server + ": " + e.getMessage(), e);
    }
    String namespace = options.namespace(context);
    if (namespace == null) {
      throw new UserInputException(
          "--server needs the namespace of the scan: give --namespace or SEKISHO_NAMESPACE"
              + " (in a pod it is read from the service account)");
    }
    List<String> digests = new ArrayList<>();
    for (Scan scan : scans) {
      String resolved =
          scan.digest() != null && !scan.digest().isBlank()
              ? scan.digest()
              : scan.inventory().image() == null ? null : scan.inventory().image().digest();
      if (resolved == null) {
        throw new UserInputException(
            "the scan API needs the image's manifest digest and "
                + image
                + " has none: give --digest");
      }
      digests.add(resolved);
    }
    boolean multi = scans.size() > 1;
    TektonResults results =
        new TektonResults()
            .put(
                "IMAGE_DIGEST",
                scans.size() == 1 ? digests.getFirst() : recorded != null ? recorded : "");
    for (Scan scan : scans) {
      writeSboms(scan.inventory(), scans.size() > 1 ? scan.platform() : null);
    }

    List<ScanAnswer> answers = new ArrayList<>();
    try {
      String token = readToken();
      ScanApiClient client =
          new ScanApiClient(
              uri,
              options.serverCa(context),
              Duration.ofSeconds(Math.max(1, options.timeoutSeconds)),
              Duration.ofSeconds(options.waitSeconds()),
              Duration.ofSeconds(1),
              context.err(),
              json);
      for (int i = 0; i < scans.size(); i++) {
        Scan scan = scans.get(i);
        answers.add(
            client.submit(
                namespace,
                token,
                request(image, digests.get(i), scan.platform(), scan.inventory())));
      }
    } catch (InfrastructureException e) {
      results.put("VERDICT", "Error").put("SCAN_RESULT", "").put("CRITICAL", "").put("HIGH", "");
      results.put("FIXABLE", "");
      writeResults(results);
      if (failOpen && e instanceof ScanApiClient.Unavailable) {
        context.err().println("sekisho: WARNING: " + e.getMessage());
        context
            .err()
            .println(
                "sekisho: --fail-open: continuing without a verdict; the image was NOT checked");
        return ExitCode.PASS.code();
      }
      throw e;
    }
    String verdict = null;
    List<String> names = new ArrayList<>();
    long critical = 0;
    long high = 0;
    long fixable = 0;
    for (int i = 0; i < answers.size(); i++) {
      ScanAnswer answer = answers.get(i);
      verdict = verdict == null ? answer.verdict() : stricter(verdict, answer.verdict());
      names.add(answer.scanResult() == null ? "" : answer.scanResult());
      critical += answer.summary().critical();
      high += answer.summary().high();
      fixable += answer.summary().fixable();
      String platform = scans.get(i).platform();
      print(
          multi && platform != null ? image + " (" + platform + ")" : image,
          digests.get(i),
          namespace,
          answer);
    }
    results
        .put("VERDICT", verdict)
        .put("SCAN_RESULT", String.join(",", names))
        .put("CRITICAL", critical)
        .put("HIGH", high)
        .put("FIXABLE", fixable);
    writeResults(results);
    if (answers.size() > 1) {
      context.out().printf("%s: %s over %d platforms%n", image, verdict, answers.size());
      context.out().flush();
    }
    return switch (verdict) {
      case "Pass", "Warn" -> ExitCode.PASS.code();
      case "Fail" -> ExitCode.POLICY_FAILURE.code();
      default -> ExitCode.SCANNER_ERROR.code();
    };
  }

  /** The stricter of two verdict names; an unknown name is the strictest (Error). */
  static String stricter(String a, String b) {
    return verdict(a).stricter(verdict(b)).name();
  }

  private static Verdict verdict(String name) {
    try {
      return Verdict.valueOf(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Verdict.Error;
    }
  }

  /** The scan API request: the contract's {@link ScanSubmission}, with the Tekton run if any. */
  ScanSubmission request(String image, String digest, String platform, Inventory inventory) {
    TektonContext tekton = TektonContext.from(context);
    return ScanSubmission.of(
        image,
        digest,
        platform,
        inventory,
        tekton.isEmpty()
            ? null
            : new ScanSubmission.Tekton(
                tekton.pipelineRun(), tekton.pipelineRunUid(), tekton.taskRun(), tekton.pipeline()),
        json);
  }

  private String readToken() {
    Path file = options.tokenFile(context);
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new InfrastructureException("the ServiceAccount token file " + file + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot read the ServiceAccount token "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "): run in a pod with a mounted service account token, or give --token-file",
          e);
    }
  }

  private void writeResults(TektonResults results) {
    if (options.tektonResultsDir != null) {
      results.write(options.tektonResultsDir);
    }
  }

  /** sbom.cdx.json and sbom.spdx.json, or sbom.linux-arm64.cdx.json … for one of several. */
  private void writeSboms(Inventory inventory, String platform) {
    Path dir = options.reportsDir(context);
    if (dir == null) {
      return;
    }
    String version = ScannerVersion.current();
    String infix = platform == null ? "" : "." + platform.replace('/', '-');
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("sbom" + infix + ".cdx.json"),
          new CycloneDxWriter(version).toJson(inventory));
      Files.writeString(
          dir.resolve("sbom" + infix + ".spdx.json"), new SpdxWriter(version).toJson(inventory));
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot write the SBOMs to " + dir + ": " + e.getMessage(), e);
    }
  }

  private void print(String image, String digest, String namespace, ScanAnswer answer) {
    var out = context.out();
    ScanAnswer.Summary counts = answer.summary();
    out.printf(
        "%s@%s: %s (policy %s)%n",
        image,
        digest,
        answer.verdict(),
        answer.decidingPolicy() == null ? "none" : answer.decidingPolicy());
    out.printf(
        "  critical=%d high=%d medium=%d low=%d fixable=%d secrets=%d%n",
        counts.critical(),
        counts.high(),
        counts.medium(),
        counts.low(),
        counts.fixable(),
        counts.secrets());
    int shown = 0;
    for (ScanAnswer.Violation v : answer.violations()) {
      if (shown++ == 20) {
        out.printf("  … %d more%n", answer.violationCount() - 20);
        break;
      }
      out.printf(
          "  %s %s %s: %s%n",
          text(v.action()), text(v.policy()), text(v.rule()), text(v.message()));
    }
    out.printf(
        "  details: kubectl -n %s get scanresult %s -o yaml%n", namespace, answer.scanResult());
    if (answer.stoppedPipelineRun() != null) {
      out.printf("  the operator stopped PipelineRun %s%n", answer.stoppedPipelineRun());
    }
    out.flush();
    context
        .err()
        .printf(
            "sekisho: %s@%s %s critical=%d high=%d fixable=%d violations=%d scanresult=%s/%s%n",
            image,
            digest,
            answer.verdict().toUpperCase(java.util.Locale.ROOT),
            counts.critical(),
            counts.high(),
            counts.fixable(),
            answer.violationCount(),
            namespace,
            answer.scanResult());
    context.err().flush();
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
