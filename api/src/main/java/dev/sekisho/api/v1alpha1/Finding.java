package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One vulnerability, secret or misconfiguration found in the image (a bounded excerpt: the full
 * list lives in the operator's store and the reports).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Finding {
  @JsonPropertyDescription("Vulnerability id (CVE first when known), secret rule or check id.")
  @Required
  private String id;

  @JsonPropertyDescription("Other ids of the same vulnerability.")
  private List<String> aliases = new ArrayList<>();

  @JsonPropertyDescription("Kind of finding: vulnerability, secret, config or package.")
  @Pattern("^(vulnerability|secret|config|package)$")
  private String type;

  @JsonPropertyDescription("Normalised severity.")
  private Severity severity;

  @JsonPropertyDescription("CVSS base score.")
  @Min(0)
  @Max(10)
  private Double cvss;

  @JsonPropertyDescription("Affected package.")
  private String packageName;

  @JsonPropertyDescription("Installed version of the package.")
  private String installedVersion;

  @JsonPropertyDescription("Lowest fixed version, if any.")
  private String fixedVersion;

  @JsonPropertyDescription("Listed in the known-exploited catalogue.")
  private Boolean knownExploited;

  @JsonPropertyDescription(
      "For a Go module of a binary: whether the binary contains the advisory's vulnerable"
          + " symbols (true, false, or unknown when its symbol table is stripped or unreadable).")
  @Pattern("^(true|false|unknown)$")
  private String reachable;

  @JsonPropertyDescription("When the advisory was published.")
  private OffsetDateTime published;

  @JsonPropertyDescription("Path in the image (and layer) where it was found.")
  private String location;

  @JsonPropertyDescription(
      "A secret's fingerprint (32 hex digits): the same secret in the same file, whatever its line"
          + " or layer; what secrets.allow[].fingerprint names.")
  private String fingerprint;

  public String getFingerprint() {
    return fingerprint;
  }

  public void setFingerprint(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public List<String> getAliases() {
    return aliases;
  }

  public void setAliases(List<String> aliases) {
    this.aliases = aliases == null ? new ArrayList<>() : aliases;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public Severity getSeverity() {
    return severity;
  }

  public void setSeverity(Severity severity) {
    this.severity = severity;
  }

  public Double getCvss() {
    return cvss;
  }

  public void setCvss(Double cvss) {
    this.cvss = cvss;
  }

  public String getPackageName() {
    return packageName;
  }

  public void setPackageName(String packageName) {
    this.packageName = packageName;
  }

  public String getInstalledVersion() {
    return installedVersion;
  }

  public void setInstalledVersion(String installedVersion) {
    this.installedVersion = installedVersion;
  }

  public String getFixedVersion() {
    return fixedVersion;
  }

  public void setFixedVersion(String fixedVersion) {
    this.fixedVersion = fixedVersion;
  }

  public Boolean getKnownExploited() {
    return knownExploited;
  }

  public void setKnownExploited(Boolean knownExploited) {
    this.knownExploited = knownExploited;
  }

  public OffsetDateTime getPublished() {
    return published;
  }

  public void setPublished(OffsetDateTime published) {
    this.published = published;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public String getReachable() {
    return reachable;
  }

  public void setReachable(String reachable) {
    this.reachable = reachable;
  }
}
