package dev.sekisho.scanner.model;

import java.util.List;

/**
 * What is in an image's final file system (after whiteouts), or in an SBOM read as a target: the
 * input to vulnerability matching, checks and policies.
 *
 * @param image image facts (for an SBOM target: what the SBOM says of its subject)
 * @param os operating system, or null
 * @param packages installed packages
 * @param secrets secrets found in files
 * @param warnings problems that did not stop the analysis
 */
public record Inventory(
    ImageFacts image,
    OperatingSystem os,
    List<Package> packages,
    List<SecretFinding> secrets,
    List<ScanWarning> warnings) {

  public Inventory {
    packages = packages == null ? List.of() : List.copyOf(packages);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
