package dev.sekisho.scanner.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Ecosystem-specific details of a package. One record per package manager. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PackageMetadata.Dpkg.class, name = "dpkg"),
  @JsonSubTypes.Type(value = PackageMetadata.Apk.class, name = "apk"),
  @JsonSubTypes.Type(value = PackageMetadata.Rpm.class, name = "rpm"),
  @JsonSubTypes.Type(value = PackageMetadata.Java.class, name = "java"),
  @JsonSubTypes.Type(value = PackageMetadata.GoModule.class, name = "go-module"),
  @JsonSubTypes.Type(value = PackageMetadata.None.class, name = "none")
})
public sealed interface PackageMetadata
    permits PackageMetadata.Dpkg,
        PackageMetadata.Apk,
        PackageMetadata.Rpm,
        PackageMetadata.Java,
        PackageMetadata.GoModule,
        PackageMetadata.None {

  /** A dpkg package: architecture and the maintainer's status line. */
  record Dpkg(String architecture, String status) implements PackageMetadata {}

  /** An apk package: origin (the source package) and architecture. */
  record Apk(String origin, String architecture) implements PackageMetadata {}

  /** An RPM package, its version split as RPM keeps it. */
  record Rpm(
      Integer epoch,
      String version,
      String release,
      String architecture,
      String sourceRpm,
      String modularityLabel)
      implements PackageMetadata {}

  /**
   * A Java archive: Maven coordinates (when known), how they were found, and the manifest headers
   * that can tell the group when the archive does not declare it.
   *
   * @param groupId the group: from pom.properties, else the manifest's {@code
   *     Implementation-Vendor-Id} (often only the vendor's prefix, e.g. {@code org.apache}), else
   *     inferred at match time (then {@code groupInference} says how), else null
   * @param artifactId the artifactId
   * @param evidence where the coordinates come from: {@code pom.properties}, {@code MANIFEST.MF} or
   *     {@code file name}
   * @param sha1 the archive's SHA-1 (hex), or null when it could not be read to the end
   * @param bundleSymbolicName the manifest's {@code Bundle-SymbolicName} without attributes, or
   *     null
   * @param automaticModuleName the manifest's {@code Automatic-Module-Name}, or null
   * @param vendorId the manifest's {@code Implementation-Vendor-Id}, or null
   * @param groupInference null when the group is as read from the archive; else the rule by which
   *     the matcher chose it among the Maven names of the vulnerability database ({@code
   *     only-group-in-database}, {@code bundle-symbolic-name}, {@code automatic-module-name},
   *     {@code implementation-vendor-id}, {@code group-equals-artifact})
   */
  record Java(
      String groupId,
      String artifactId,
      String evidence,
      String sha1,
      String bundleSymbolicName,
      String automaticModuleName,
      String vendorId,
      String groupInference)
      implements PackageMetadata {

    /** Coordinates without manifest headers (as pom.properties declares them). */
    public Java(String groupId, String artifactId, String evidence, String sha1) {
      this(groupId, artifactId, evidence, sha1, null, null, null, null);
    }

    /** True when pom.properties names the group: it is then never inferred. */
    public boolean groupDeclared() {
      return groupId != null && groupInference == null && "pom.properties".equals(evidence);
    }

    /** The same archive with a group chosen at match time by {@code rule}. */
    public Java withInferredGroup(String group, String rule) {
      return new Java(
          group,
          artifactId,
          evidence,
          sha1,
          bundleSymbolicName,
          automaticModuleName,
          vendorId,
          rule);
    }
  }

  /**
   * A Go module (or the standard library) in a binary's build info.
   *
   * @param goVersion the toolchain that built the binary ("go1.22.1")
   * @param mainModule the binary's main module
   * @param goos the binary's {@code GOOS} build setting ("linux"), or null when unknown
   * @param goarch the binary's {@code GOARCH} build setting ("amd64"), or null when unknown
   * @param symbols the module's functions in the binary's symbol table, or null when it was not
   *     read (stripped of its function table, unreadable, or not a binary: an SBOM)
   */
  record GoModule(
      String goVersion, boolean mainModule, String goos, String goarch, GoSymbols symbols)
      implements PackageMetadata {

    /** A module whose binary's symbols are unknown. */
    public GoModule(String goVersion, boolean mainModule, String goos, String goarch) {
      this(goVersion, mainModule, goos, goarch, null);
    }

    /** A module of a binary whose platform is unknown. */
    public GoModule(String goVersion, boolean mainModule) {
      this(goVersion, mainModule, null, null, null);
    }
  }

  /** No metadata beyond the package's common fields. */
  record None() implements PackageMetadata {}
}
