package dev.sekisho.scanner.report.sarif;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The subset of the SARIF 2.1.0 object model the scanner writes. Hand-written rather than taken
 * from a library: Maven Central has no maintained SARIF 2.1.0 model for Java, the subset is small,
 * and a test validates the output against the official schema.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"$schema", "version", "runs"})
public record SarifLog(@JsonProperty("$schema") String schema, String version, List<Run> runs) {

  public static final String VERSION = "2.1.0";
  public static final String SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Run(
      Tool tool, List<Result> results, List<Artifact> artifacts, Map<String, Object> properties) {}

  public record Tool(ToolComponent driver) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ToolComponent(
      String name,
      String version,
      String semanticVersion,
      String informationUri,
      List<ReportingDescriptor> rules) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ReportingDescriptor(
      String id,
      String name,
      Message shortDescription,
      Message fullDescription,
      String helpUri,
      MultiformatMessage help,
      Configuration defaultConfiguration,
      Map<String, Object> properties) {}

  public record Configuration(String level) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Message(String text) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record MultiformatMessage(String text, String markdown) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Result(
      String ruleId,
      int ruleIndex,
      String level,
      Message message,
      List<ResultLocation> locations,
      Map<String, String> partialFingerprints,
      List<Suppression> suppressions,
      Map<String, Object> properties) {}

  public record ResultLocation(PhysicalLocation physicalLocation) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PhysicalLocation(ArtifactLocation artifactLocation, Region region) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ArtifactLocation(String uri, String uriBaseId) {}

  public record Region(int startLine) {}

  public record Artifact(ArtifactLocation location) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Suppression(String kind, String status, String justification) {}
}
