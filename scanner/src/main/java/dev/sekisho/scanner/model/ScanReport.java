package dev.sekisho.scanner.model;

import java.util.List;

/**
 * Everything one scan produced, before policies are applied.
 *
 * @param image image facts
 * @param os operating system, or null when none was identified
 * @param packages inventory of the final file system
 * @param vulnerabilities vulnerability findings
 * @param secrets secrets found in files
 * @param misconfigurations image configuration findings
 * @param warnings problems that did not stop the scan
 * @param metadata scanner and database versions
 * @param baseImage the identified base image, or null when none was identified
 */
public record ScanReport(
    ImageFacts image,
    OperatingSystem os,
    List<Package> packages,
    List<Vulnerability> vulnerabilities,
    List<SecretFinding> secrets,
    List<Misconfiguration> misconfigurations,
    List<ScanWarning> warnings,
    ScannerMetadata metadata,
    BaseImage baseImage) {

  public ScanReport {
    packages = packages == null ? List.of() : List.copyOf(packages);
    vulnerabilities = vulnerabilities == null ? List.of() : List.copyOf(vulnerabilities);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    misconfigurations = misconfigurations == null ? List.of() : List.copyOf(misconfigurations);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** A report without an identified base image. */
  public ScanReport(
      ImageFacts image,
      OperatingSystem os,
      List<Package> packages,
      List<Vulnerability> vulnerabilities,
      List<SecretFinding> secrets,
      List<Misconfiguration> misconfigurations,
      List<ScanWarning> warnings,
      ScannerMetadata metadata) {
    this(
        image, os, packages, vulnerabilities, secrets, misconfigurations, warnings, metadata, null);
  }

  /** This report with {@code base} as its identified base image. */
  public ScanReport withBaseImage(BaseImage base) {
    return new ScanReport(
        image, os, packages, vulnerabilities, secrets, misconfigurations, warnings, metadata, base);
  }
}
