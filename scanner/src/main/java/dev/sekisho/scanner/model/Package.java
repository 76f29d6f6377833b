package dev.sekisho.scanner.model;

import java.util.List;
import java.util.Objects;

/**
 * One installed package.
 *
 * <p>Naming and versions are those the vulnerability data uses: dpkg/apk names and full versions
 * (with epoch); RPM versions as {@code [epoch:]version-release}; Maven names as {@code
 * groupId:artifactId}; PyPI names as declared (matching normalises them); npm names with scope
 * ({@code @scope/name}); Go module paths.
 *
 * @param type package kind
 * @param name package name
 * @param version installed version
 * @param sourceName source package (dpkg Source, apk origin, source RPM name), or null
 * @param sourceVersion source package version when it differs (dpkg), or null
 * @param licenses declared licenses (SPDX ids or expressions where the package says so)
 * @param purl package URL
 * @param location where the package's record was found
 * @param metadata ecosystem-specific details
 */
public record Package(
    PackageType type,
    String name,
    String version,
    String sourceName,
    String sourceVersion,
    List<String> licenses,
    String purl,
    Location location,
    PackageMetadata metadata) {

  public Package {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    licenses = licenses == null ? List.of() : List.copyOf(licenses);
    metadata = metadata == null ? new PackageMetadata.None() : metadata;
  }

  /** The source package name, or the package's own name when it has no separate source. */
  public String sourceNameOrName() {
    return sourceName == null || sourceName.isEmpty() ? name : sourceName;
  }

  /** The source package version, or the package's own version. */
  public String sourceVersionOrVersion() {
    return sourceVersion == null || sourceVersion.isEmpty() ? version : sourceVersion;
  }
}
