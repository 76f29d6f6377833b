package dev.sekisho.scanner.analyzer;

import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.SecretFinding;
import java.util.List;

/**
 * What an analyzer found in one file. Serialised with Jackson into the layer cache.
 *
 * @param packages packages recorded in the file
 * @param os the operating system, when the file identifies it (os-release and fallbacks)
 * @param secrets secrets found in the file
 * @param warnings problems parsing the file
 * @param installedFiles files a package database records as installed, with their checksums
 */
public record AnalysisResult(
    List<Package> packages,
    OperatingSystem os,
    List<SecretFinding> secrets,
    List<ScanWarning> warnings,
    List<InstalledFile> installedFiles) {

  public static final AnalysisResult EMPTY = new AnalysisResult(null, null, null, null);

  public AnalysisResult {
    packages = packages == null ? List.of() : List.copyOf(packages);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    installedFiles = installedFiles == null ? List.of() : List.copyOf(installedFiles);
  }

  public AnalysisResult(
      List<Package> packages,
      OperatingSystem os,
      List<SecretFinding> secrets,
      List<ScanWarning> warnings) {
    this(packages, os, secrets, warnings, null);
  }

  public static AnalysisResult ofPackages(List<Package> packages, List<ScanWarning> warnings) {
    return new AnalysisResult(packages, null, null, warnings);
  }

  /** True when there is nothing to record. */
  public boolean isEmpty() {
    return packages.isEmpty()
        && os == null
        && secrets.isEmpty()
        && warnings.isEmpty()
        && installedFiles.isEmpty();
  }
}
