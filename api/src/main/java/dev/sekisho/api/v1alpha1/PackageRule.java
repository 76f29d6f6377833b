package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** A package that must not be in the image. Every given field must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PackageRule {
  @JsonPropertyDescription(
      "Package name glob (e.g. 'log4j-core', 'org.apache.logging.log4j:*', 'telnet*').")
  @Size(max = 256)
  private String name;

  @JsonPropertyDescription(
      "Ecosystem the rule is limited to, as OSV names it (Debian, Alpine, Maven, npm, PyPI, Go,"
          + " …). Empty: any.")
  private String ecosystem;

  @JsonPropertyDescription(
      "Version constraint in the package's own version scheme, comparators separated by commas"
          + " (e.g. '>=2.0.0, <2.17.1'). Empty: any version.")
  private String versions;

  @JsonPropertyDescription(
      "Package URL prefix (e.g. 'pkg:maven/org.apache.logging.log4j/log4j-core'); a version in"
          + " the purl must match exactly.")
  private String purl;

  @JsonPropertyDescription("Why the package is denied (shown in reports).")
  private String reason;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getEcosystem() {
    return ecosystem;
  }

  public void setEcosystem(String ecosystem) {
    this.ecosystem = ecosystem;
  }

  public String getVersions() {
    return versions;
  }

  public void setVersions(String versions) {
    this.versions = versions;
  }

  public String getPurl() {
    return purl;
  }

  public void setPurl(String purl) {
    this.purl = purl;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
