package dev.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.sbom.CycloneDxWriter;
import dev.sekisho.scanner.sbom.SpdxWriter;
import dev.sekisho.scanner.scan.ScannerVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
   */
  int run(String image, String digest, String platform, Inventory inventory, boolean failOpen) {
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
    String resolvedDigest =
        digest != null && !digest.isBlank()
            ? digest
            : inventory.image() == null ? null : inventory.image().digest();
    if (resolvedDigest == null) {
      throw new UserInputException(
          "the scan API needs the image's manifest digest and "
              + image
              + " has none: give --digest");
    }
    TektonResults results = new TektonResults().put("IMAGE_DIGEST", resolvedDigest);
    writeSboms(inventory);

    ScanApiClient.Answer answer;
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
      answer = client.submit(namespace, token, request(image, resolvedDigest, platform, inventory));
    } catch (InfrastructureException e) {
      results.put("VERDICT", "Error").put("SCAN_RESULT", "").put("CRITICAL", "").put("HIGH", "");
      results.put("FIXABLE", "");
      writeResults(results);
      if (failOpen) {
        context.err().println("sekisho: WARNING: " + e.getMessage());
        context
            .err()
            .println(
                "sekisho: --fail-open: continuing without a verdict; the image was NOT checked");
        return ExitCode.PASS.code();
      }
      throw e;
    }
    results
        .put("VERDICT", answer.verdict())
        .put("SCAN_RESULT", answer.scanResult())
        .put("CRITICAL", answer.count("critical"))
        .put("HIGH", answer.count("high"))
        .put("FIXABLE", answer.count("fixable"));
    writeResults(results);
    print(image, resolvedDigest, namespace, answer);
    return switch (answer.verdict()) {
      case "Pass", "Warn" -> ExitCode.PASS.code();
      case "Fail" -> ExitCode.POLICY_FAILURE.code();
      default -> ExitCode.SCANNER_ERROR.code();
    };
  }

  JsonNode request(String image, String digest, String platform, Inventory inventory) {
    ObjectNode body = json.createObjectNode();
    body.put("image", image);
    body.put("digest", digest);
    if (platform != null && !platform.isBlank()) {
      body.put("platform", platform);
    }
    body.set("inventory", json.valueToTree(inventory));
    if (inventory.image() != null) {
      body.set("imageFacts", json.valueToTree(inventory.image()));
    }
    body.set("secrets", json.valueToTree(inventory.secrets()));
    TektonContext tekton = TektonContext.from(context);
    if (!tekton.isEmpty()) {
      ObjectNode t = body.putObject("tekton");
      putIfSet(t, "pipelineRun", tekton.pipelineRun());
      putIfSet(t, "pipelineRunUid", tekton.pipelineRunUid());
      putIfSet(t, "taskRun", tekton.taskRun());
      putIfSet(t, "pipeline", tekton.pipeline());
    }
    return body;
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
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

  private void writeSboms(Inventory inventory) {
    Path dir = options.reportsDir(context);
    if (dir == null) {
      return;
    }
    String version = ScannerVersion.current();
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("sbom.cdx.json"), new CycloneDxWriter(version).toJson(inventory));
      Files.writeString(dir.resolve("sbom.spdx.json"), new SpdxWriter(version).toJson(inventory));
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot write the SBOMs to " + dir + ": " + e.getMessage(), e);
    }
  }

  private void print(String image, String digest, String namespace, ScanApiClient.Answer answer) {
    JsonNode body = answer.body();
    var out = context.out();
    out.printf(
        "%s@%s: %s (policy %s)%n",
        image, digest, answer.verdict(), body.path("decidingPolicy").asText("none"));
    out.printf(
        "  critical=%d high=%d medium=%d low=%d fixable=%d secrets=%d%n",
        answer.count("critical"),
        answer.count("high"),
        answer.count("medium"),
        answer.count("low"),
        answer.count("fixable"),
        answer.count("secrets"));
    int shown = 0;
    for (JsonNode v : body.path("violations")) {
      if (shown++ == 20) {
        out.printf("  … %d more%n", body.path("violationCount").asInt() - 20);
        break;
      }
      out.printf(
          "  %s %s %s: %s%n",
          v.path("action").asText(""),
          v.path("policy").asText(""),
          v.path("rule").asText(""),
          v.path("message").asText(""));
    }
    out.printf(
        "  details: kubectl -n %s get scanresult %s -o yaml%n", namespace, answer.scanResult());
    if (body.hasNonNull("stoppedPipelineRun")) {
      out.printf(
          "  the operator stopped PipelineRun %s%n", body.get("stoppedPipelineRun").asText());
    }
    out.flush();
    context
        .err()
        .printf(
            "sekisho: %s@%s %s critical=%d high=%d fixable=%d violations=%d scanresult=%s/%s%n",
            image,
            digest,
            answer.verdict().toUpperCase(java.util.Locale.ROOT),
            answer.count("critical"),
            answer.count("high"),
            answer.count("fixable"),
            body.path("violationCount").asInt(0),
            namespace,
            answer.scanResult());
    context.err().flush();
  }
}
