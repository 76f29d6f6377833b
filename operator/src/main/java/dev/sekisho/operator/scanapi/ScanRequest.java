package dev.sekisho.operator.scanapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.SecretFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/namespaces/{namespace}/scans}, validated.
 *
 * @param image image reference as the pipeline named it
 * @param digest manifest digest (sha256:…)
 * @param platform os/arch[/variant], or null
 * @param inventory the image's inventory (from the scanner's Inventory JSON or a CycloneDX SBOM)
 * @param imageFacts image facts, or null (then the inventory's are used)
 * @param secrets secrets the step found in files
 * @param tekton the Tekton context, or null for a scan made outside a pipeline
 */
public record ScanRequest(
    String image,
    String digest,
    String platform,
    Inventory inventory,
    ImageFacts imageFacts,
    List<SecretFinding> secrets,
    Tekton tekton) {

  /** The Tekton run that asked for the scan. */
  public record Tekton(
      String pipelineRun, String pipelineRunUid, String taskRun, String pipeline) {}

  private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
  private static final Pattern PLATFORM = Pattern.compile("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$");
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$");
  private static final Pattern UID = Pattern.compile("^[0-9a-fA-F-]{1,64}$");

  /** Reads and validates a request body; 400 naming the field on any problem. */
  public static ScanRequest parse(JsonNode body, ObjectMapper json, InventoryDecoder decoder)
      throws ApiException {
    if (body == null || !body.isObject()) {
      throw bad("body", "must be a JSON object");
    }
    String image = text(body, "image", true);
    if (image.length() > 1024) {
      throw bad("image", "is longer than 1024 characters");
    }
    String digest = text(body, "digest", true);
    if (!DIGEST.matcher(digest).matches()) {
      throw bad("digest", "must be sha256: followed by 64 lower-case hex digits");
    }
    String platform = text(body, "platform", false);
    if (platform != null && !PLATFORM.matcher(platform).matches()) {
      throw bad("platform", "must be os/arch[/variant], e.g. linux/amd64");
    }
    JsonNode inv = body.get("inventory");
    if (inv == null || !inv.isObject()) {
      throw bad("inventory", "is required: the scanner's Inventory JSON or a CycloneDX SBOM");
    }
    Inventory inventory = decoder.decode(inv);
    ImageFacts facts = null;
    if (body.hasNonNull("imageFacts")) {
      facts = convert(json, body.get("imageFacts"), ImageFacts.class, "imageFacts");
    }
    List<SecretFinding> secrets = new ArrayList<>();
    if (body.hasNonNull("secrets")) {
      if (!body.get("secrets").isArray()) {
        throw bad("secrets", "must be an array");
      }
      int i = 0;
      for (JsonNode s : body.get("secrets")) {
        secrets.add(convert(json, s, SecretFinding.class, "secrets[" + i++ + "]"));
      }
    }
    Tekton tekton = null;
    if (body.hasNonNull("tekton")) {
      JsonNode t = body.get("tekton");
      if (!t.isObject()) {
        throw bad("tekton", "must be an object");
      }
      tekton =
          new Tekton(
              name(t, "tekton.pipelineRun", "pipelineRun"),
              text(t, "pipelineRunUid", false),
              name(t, "tekton.taskRun", "taskRun"),
              name(t, "tekton.pipeline", "pipeline"));
      if (tekton.pipelineRunUid() != null && !UID.matcher(tekton.pipelineRunUid()).matches()) {
        throw bad("tekton.pipelineRunUid", "is not a Kubernetes UID");
      }
      if (tekton.pipelineRunUid() != null && tekton.pipelineRun() == null) {
        throw bad("tekton.pipelineRun", "is required when tekton.pipelineRunUid is given");
      }
    }
    return new ScanRequest(image, digest, platform, inventory, facts, secrets, tekton);
  }

  private static String name(JsonNode node, String field, String key) throws ApiException {
    String value = text(node, key, false, field);
    if (value != null && !NAME.matcher(value).matches()) {
      throw bad(field, "is not a Kubernetes object name");
    }
    return value;
  }

  private static String text(JsonNode node, String key, boolean required) throws ApiException {
    return text(node, key, required, key);
  }

  private static String text(JsonNode node, String key, boolean required, String field)
      throws ApiException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
      if (required) {
        throw bad(field, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw bad(field, "must be a string");
    }
    return v.asText();
  }

  static <T> T convert(ObjectMapper json, JsonNode node, Class<T> type, String field)
      throws ApiException {
    try {
      return json.treeToValue(node, type);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = why.indexOf('\n');
      throw bad(field, "is not valid: " + (nl > 0 ? why.substring(0, nl) : why));
    }
  }

  static ApiException bad(String field, String problem) {
    return new ApiException(400, "field '" + field + "' " + problem);
  }
}
