package dev.sekisho.scanner.scanapi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The scan API's answer (200) to a {@link ScanSubmission}: the verdict and where the ScanResult is.
 * Field names and shapes are those of the ScanResult's spec and status, so the operator converts
 * them with Jackson; unknown fields are ignored, so an older step reads a newer operator's answer.
 *
 * @param apiVersion {@value ScanApi#API_VERSION}; null from operators older than the field
 * @param verdict Pass, Warn, Fail or Error
 * @param namespace the namespace of the ScanResult
 * @param scanResult the ScanResult's name
 * @param decidingPolicy the policy that decided the verdict, or null
 * @param summary finding counts
 * @param policies each selected policy's verdict
 * @param violations the violations (at most the ScanResult's bound)
 * @param violationCount all violations, also those left out of {@code violations}
 * @param findings the most severe findings (at most the ScanResult's bound)
 * @param stoppedPipelineRun the PipelineRun the operator stopped, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScanAnswer(
    String apiVersion,
    String verdict,
    String namespace,
    String scanResult,
    String decidingPolicy,
    Summary summary,
    List<PolicyOutcome> policies,
    List<Violation> violations,
    int violationCount,
    List<Finding> findings,
    String stoppedPipelineRun) {

  public ScanAnswer {
    summary = summary == null ? Summary.NONE : summary;
    policies = policies == null ? List.of() : List.copyOf(policies);
    violations = violations == null ? List.of() : List.copyOf(violations);
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** Finding counts; a count the answer leaves out reads as 0. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Summary(
      int critical,
      int high,
      int medium,
      int low,
      int unknown,
      int fixable,
      int knownExploited,
      int packages,
      int secrets,
      int misconfigurations) {
    static final Summary NONE = new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** One selected policy's verdict. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PolicyOutcome(
      String kind,
      String namespace,
      String name,
      String action,
      String verdict,
      Integer violations,
      Integer excepted) {}

  /** One violation of a rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Violation(
      String policy,
      String rule,
      String findingId,
      String packageName,
      String action,
      String message) {}

  /** One finding of the ScanResult's excerpt. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Finding(
      String id,
      List<String> aliases,
      String type,
      String severity,
      Double cvss,
      String packageName,
      String installedVersion,
      String fixedVersion,
      Boolean knownExploited,
      String published,
      String location,
      String reachable) {}
}
