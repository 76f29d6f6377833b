package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Counts of what the scan found. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FindingSummary {
  @JsonPropertyDescription("Vulnerabilities of severity Critical.")
  @Min(0)
  private Integer critical;

  @JsonPropertyDescription("Vulnerabilities of severity High.")
  @Min(0)
  private Integer high;

  @JsonPropertyDescription("Vulnerabilities of severity Medium.")
  @Min(0)
  private Integer medium;

  @JsonPropertyDescription("Vulnerabilities of severity Low.")
  @Min(0)
  private Integer low;

  @JsonPropertyDescription("Vulnerabilities of unknown severity.")
  @Min(0)
  private Integer unknown;

  @JsonPropertyDescription("Vulnerabilities with a fixed version available.")
  @Min(0)
  private Integer fixable;

  @JsonPropertyDescription("Vulnerabilities in the known-exploited catalogue.")
  @Min(0)
  private Integer knownExploited;

  @JsonPropertyDescription("Packages in the inventory.")
  @Min(0)
  private Integer packages;

  @JsonPropertyDescription("Secrets found in files.")
  @Min(0)
  private Integer secrets;

  @JsonPropertyDescription("Image configuration findings.")
  @Min(0)
  private Integer misconfigurations;

  public Integer getCritical() {
    return critical;
  }

  public void setCritical(Integer critical) {
    this.critical = critical;
  }

  public Integer getHigh() {
    return high;
  }

  public void setHigh(Integer high) {
    this.high = high;
  }

  public Integer getMedium() {
    return medium;
  }

  public void setMedium(Integer medium) {
    this.medium = medium;
  }

  public Integer getLow() {
    return low;
  }

  public void setLow(Integer low) {
    this.low = low;
  }

  public Integer getUnknown() {
    return unknown;
  }

  public void setUnknown(Integer unknown) {
    this.unknown = unknown;
  }

  public Integer getFixable() {
    return fixable;
  }

  public void setFixable(Integer fixable) {
    this.fixable = fixable;
  }

  public Integer getKnownExploited() {
    return knownExploited;
  }

  public void setKnownExploited(Integer knownExploited) {
    this.knownExploited = knownExploited;
  }

  public Integer getPackages() {
    return packages;
  }

  public void setPackages(Integer packages) {
    this.packages = packages;
  }

  public Integer getSecrets() {
    return secrets;
  }

  public void setSecrets(Integer secrets) {
    this.secrets = secrets;
  }

  public Integer getMisconfigurations() {
    return misconfigurations;
  }

  public void setMisconfigurations(Integer misconfigurations) {
    this.misconfigurations = misconfigurations;
  }
}
