package dev.sekisho.scanner.report.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON report's wire model, schema {@value #SCHEMA_VERSION} (documented in
 * docs/report-json.md). Fields are only ever added within a schema version; a rename or removal
 * makes a new version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "schemaVersion",
  "artifact",
  "scanner",
  "summary",
  "policy",
  "layers",
  "packages",
  "vulnerabilities",
  "secrets",
  "misconfigurations",
  "warnings"
})
public record JsonReport(
    String schemaVersion,
    Artifact artifact,
    Scanner scanner,
    Summary summary,
    Policy policy,
    List<Layer> layers,
    List<PackageEntry> packages,
    List<VulnerabilityEntry> vulnerabilities,
    List<SecretEntry> secrets,
    List<MisconfigurationEntry> misconfigurations,
    List<Warning> warnings) {

  /** The schema version this model writes. */
  public static final String SCHEMA_VERSION = "sekisho.dev/report/v1";

  /** The scanned image (or SBOM subject). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Artifact(
      String reference,
      String registry,
      String repository,
      String tag,
      String digest,
      String platform,
      Os os,
      String baseImage,
      Config config,
      Instant created) {}

  /** Operating system. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Os(String family, String version, String codename, String name) {}

  /** Image configuration facts (environment variable values are never included). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(
      String user,
      List<String> exposedPorts,
      List<String> envNames,
      boolean healthcheck,
      Map<String, String> labels) {}

  /** Scanner and database versions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Scanner(
      String version, String databaseVersion, Instant databaseBuilt, Instant scannedAt) {}

  /** Counts. */
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
      int misconfigurations) {}

  /** One layer, bottom-up. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Layer(
      int index, String digest, String diffId, long size, String mediaType, String createdBy) {}

  /** One installed package. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PackageEntry(
      String type,
      String name,
      String version,
      String sourceName,
      String sourceVersion,
      List<String> licenses,
      String purl,
      LocationEntry location) {}

  /** Where something was found. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LocationEntry(String path, String layer) {}

  /**
   * The package a finding concerns.
   *
   * @param groupInference for a Java archive that does not declare its Maven group, the rule by
   *     which the group in {@code name} and {@code purl} was inferred; absent when declared
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PackageRef(
      String type, String name, String version, String purl, String groupInference) {}

  /** One vulnerability finding. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VulnerabilityEntry(
      String id,
      List<String> aliases,
      String severity,
      Double cvssScore,
      String cvssVector,
      PackageRef pkg,
      String installedVersion,
      List<String> fixedVersions,
      String fixState,
      boolean knownExploited,
      Instant published,
      Instant modified,
      String summary,
      List<String> references,
      LocationEntry location,
      Exception exception,
      String reachable,
      Epss epss) {}

  /** FIRST's EPSS score of the finding's CVE. */
  public record Epss(double score, double percentile) {}

  /** An unexpired policy exception, or a VEX statement, that excuses a finding. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Exception(String policy, String reason, Instant expires, Vex vex) {}

  /** The VEX statement behind a suppression. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Vex(String document, String status, String justification, String impactStatement) {}

  /** One secret (redacted: the value itself is never written). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SecretEntry(
      String ruleId,
      String title,
      String severity,
      LocationEntry location,
      int line,
      String redacted,
      String fingerprint,
      Exception exception) {}

  /** One image configuration finding. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MisconfigurationEntry(
      String checkId, String severity, String title, String detail, Exception exception) {}

  /** A problem that did not stop the scan. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Warning(LocationEntry location, String message) {}

  /** The policies' verdict. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Policy(
      String verdict,
      String decidingPolicy,
      List<PolicyOutcome> policies,
      List<Violation> violations,
      List<ExceptionEntry> exceptions,
      Instant nextEvaluation) {}

  /** One policy's outcome. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PolicyOutcome(
      String name, String action, String verdict, int violations, int excepted) {}

  /** An exception that excused findings, or an expired one that no longer does. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExceptionEntry(
      String policy,
      String id,
      boolean expired,
      Instant expires,
      String reason,
      List<String> findings,
      Vex vex,
      List<String> packages) {}

  /** One broken rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Violation(
      String policy,
      String action,
      String rule,
      String findingId,
      String packageName,
      String message) {}
}
