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

  /** A Java archive: Maven coordinates (when known) and how they were found. */
  record Java(String groupId, String artifactId, String evidence, String sha1)
      implements PackageMetadata {}

  /** A Go module in a binary's build info. */
  record GoModule(String goVersion, boolean mainModule) implements PackageMetadata {}

  /** No metadata beyond the package's common fields. */
  record None() implements PackageMetadata {}
}
