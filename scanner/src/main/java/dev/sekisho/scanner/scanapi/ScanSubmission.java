package dev.sekisho.scanner.scanapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.SecretFinding;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/namespaces/{namespace}/scans}: what the Task step found in an
 * image, for the operator to match, record and decide.
 *
 * <p>Versioned by {@code apiVersion}; a body without it is read as {@value ScanApi#API_VERSION}, so
 * a step older than the field still works against this operator. Unknown fields are ignored, so a
 * newer step's additions do not break an older reader.
 *
 * @param apiVersion {@value ScanApi#API_VERSION}
 * @param image image reference as the pipeline named it
 * @param digest manifest digest (sha256:…)
 * @param platform os/arch[/variant], or null
 * @param inventory the scanner's {@link Inventory} JSON, or a CycloneDX JSON SBOM ({@code
 *     "bomFormat": "CycloneDX"}); see {@link #isCycloneDx}
 * @param imageFacts image facts, or null (then the inventory's are used)
 * @param secrets secrets the step found in files (may repeat the inventory's)
 * @param tekton the Tekton run that asked for the scan, or null outside a pipeline
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScanSubmission(
    String apiVersion,
    String image,
    String digest,
    String platform,
    JsonNode inventory,
    ImageFacts imageFacts,
    List<SecretFinding> secrets,
    Tekton tekton) {

  /** The Tekton run that asked for the scan; every field may be null. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Tekton(String pipelineRun, String pipelineRunUid, String taskRun, String pipeline) {

    /** True when no field is set. */
    @JsonIgnore
    public boolean isEmpty() {
      return pipelineRun == null && pipelineRunUid == null && taskRun == null && pipeline == null;
    }
  }

  /** The longest image reference accepted. */
  public static final int MAX_IMAGE_LENGTH = 1024;

  private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
  private static final Pattern PLATFORM = Pattern.compile("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$");
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$");
  private static final Pattern UID = Pattern.compile("^[0-9a-fA-F-]{1,64}$");

  /**
   * What the step sends: the inventory as the scanner's Inventory JSON, its image facts and secrets
   * beside it (as steps have always sent them).
   *
   * @param tekton the Tekton run, or null (an empty one is left out)
   */
  public static ScanSubmission of(
      String image,
      String digest,
      String platform,
      Inventory inventory,
      Tekton tekton,
      ObjectMapper json) {
    return new ScanSubmission(
        ScanApi.API_VERSION,
        image,
        digest,
        platform == null || platform.isBlank() ? null : platform,
        json.valueToTree(inventory),
        inventory.image(),
        inventory.secrets(),
        tekton == null || tekton.isEmpty() ? null : tekton);
  }

  /** True when {@link #inventory} is a CycloneDX SBOM rather than the scanner's Inventory JSON. */
  @JsonIgnore
  public boolean isCycloneDx() {
    return inventory != null && inventory.has("bomFormat");
  }

  /**
   * Reads and validates a request body: the JSON types of the fields first (a string where a string
   * belongs), then the Jackson binding, then the values.
   *
   * @throws InvalidSubmissionException naming the first field at fault
   */
  public static ScanSubmission read(JsonNode body, ObjectMapper json)
      throws InvalidSubmissionException {
    if (body == null || !body.isObject()) {
      throw new InvalidSubmissionException("body", "must be a JSON object");
    }
    String version = text(body, "apiVersion", false, "apiVersion");
    if (version != null && !ScanApi.API_VERSION.equals(version)) {
      throw new InvalidSubmissionException(
          "apiVersion",
          "is "
              + version
              + ", which this operator does not speak: it accepts "
              + ScanApi.API_VERSION
              + " (or no apiVersion); use a step image of the operator's release");
    }
    text(body, "image", true, "image");
    text(body, "digest", true, "digest");
    text(body, "platform", false, "platform");
    JsonNode inv = body.get("inventory");
    if (inv == null || !inv.isObject()) {
      throw new InvalidSubmissionException(
          "inventory", "is required: the scanner's Inventory JSON or a CycloneDX SBOM");
    }
    if (body.hasNonNull("secrets") && !body.get("secrets").isArray()) {
      throw new InvalidSubmissionException("secrets", "must be an array");
    }
    if (body.hasNonNull("tekton")) {
      JsonNode t = body.get("tekton");
      if (!t.isObject()) {
        throw new InvalidSubmissionException("tekton", "must be an object");
      }
      for (String key : List.of("pipelineRun", "pipelineRunUid", "taskRun", "pipeline")) {
        text(t, key, false, "tekton." + key);
      }
    }
    ScanSubmission read;
    try {
      read = json.treeToValue(body, ScanSubmission.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw new InvalidSubmissionException(path(e), "is not valid: " + firstLine(e));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      throw new InvalidSubmissionException("body", "is not valid: " + firstLine(e));
    }
    return read.normalised().validated();
  }

  /** Empty strings read as absent, the version as {@value ScanApi#API_VERSION}. */
  private ScanSubmission normalised() {
    Tekton t = tekton;
    if (t != null) {
      t =
          new Tekton(
              blank(t.pipelineRun), blank(t.pipelineRunUid), blank(t.taskRun), blank(t.pipeline));
    }
    return new ScanSubmission(
        ScanApi.API_VERSION,
        blank(image),
        blank(digest),
        blank(platform),
        inventory,
        imageFacts,
        secrets == null ? List.of() : secrets,
        t);
  }

  private ScanSubmission validated() throws InvalidSubmissionException {
    if (image.length() > MAX_IMAGE_LENGTH) {
      throw new InvalidSubmissionException(
          "image", "is longer than " + MAX_IMAGE_LENGTH + " characters");
    }
    if (!DIGEST.matcher(digest).matches()) {
      throw new InvalidSubmissionException(
          "digest", "must be sha256: followed by 64 lower-case hex digits");
    }
    if (platform != null && !PLATFORM.matcher(platform).matches()) {
      throw new InvalidSubmissionException(
          "platform", "must be os/arch[/variant], e.g. linux/amd64");
    }
    if (isCycloneDx() && !"CycloneDX".equals(inventory.get("bomFormat").asText())) {
      throw new InvalidSubmissionException("inventory.bomFormat", "must be CycloneDX");
    }
    for (int i = 0; i < secrets.size(); i++) {
      if (secrets.get(i) == null) {
        throw new InvalidSubmissionException("secrets[" + i + "]", "must be an object");
      }
    }
    if (tekton != null) {
      name(tekton.pipelineRun, "tekton.pipelineRun");
      name(tekton.taskRun, "tekton.taskRun");
      name(tekton.pipeline, "tekton.pipeline");
      if (tekton.pipelineRunUid != null && !UID.matcher(tekton.pipelineRunUid).matches()) {
        throw new InvalidSubmissionException("tekton.pipelineRunUid", "is not a Kubernetes UID");
      }
      if (tekton.pipelineRunUid != null && tekton.pipelineRun == null) {
        throw new InvalidSubmissionException(
            "tekton.pipelineRun", "is required when tekton.pipelineRunUid is given");
      }
    }
    return this;
  }

  /**
   * The inventory as the scanner's {@link Inventory} JSON (not for a CycloneDX SBOM, which the
   * reader of SBOMs turns into an inventory).
   *
   * @throws InvalidSubmissionException naming {@code inventory} when it does not bind
   */
  public Inventory inventoryJson(ObjectMapper json) throws InvalidSubmissionException {
    try {
      return json.treeToValue(inventory, Inventory.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      // a record's constructor refusing a value is as much the body's fault as a wrong type
      throw new InvalidSubmissionException("inventory", "is not valid: " + firstLine(e));
    }
  }

  private static void name(String value, String field) throws InvalidSubmissionException {
    if (value != null && !NAME.matcher(value).matches()) {
      throw new InvalidSubmissionException(field, "is not a Kubernetes object name");
    }
  }

  private static String text(JsonNode node, String key, boolean required, String field)
      throws InvalidSubmissionException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
      if (required) {
        throw new InvalidSubmissionException(field, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidSubmissionException(field, "must be a string");
    }
    return v.asText();
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The failing field's dotted path from Jackson's reference chain, e.g. {@code secrets[0]}. */
  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder s = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!s.isEmpty()) {
          s.append('.');
        }
        s.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        s.append('[').append(ref.getIndex()).append(']');
      }
    }
    return s.isEmpty() ? "body" : s.toString();
  }

  private static String firstLine(Exception e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = why.indexOf('\n');
    return nl > 0 ? why.substring(0, nl) : why;
  }
}
