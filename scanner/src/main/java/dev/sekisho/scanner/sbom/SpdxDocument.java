package dev.sekisho.scanner.sbom;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The part of the SPDX 2.3 JSON document model Sekisho writes and reads (document, creation info,
 * packages with purl references, relationships).
 *
 * <p>Hand-written: the maintained Java SPDX library (Spdx-Java-Library with its JSON store) is a
 * large dependency tree built around a generic RDF-style model store, which is far more than
 * writing and reading this handful of fields needs; these records follow the published SPDX 2.3
 * JSON schema, and the tests validate the output against that schema.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record SpdxDocument(
    String spdxVersion,
    String dataLicense,
    @JsonProperty("SPDXID") String spdxId,
    String name,
    String documentNamespace,
    CreationInfo creationInfo,
    List<SpdxPackage> packages,
    List<Relationship> relationships) {

  static final String VERSION = "SPDX-2.3";

  /** A null entry in a list read from a file (JSON {@code [null]}) is dropped, not a package. */
  SpdxDocument {
    packages = withoutNulls(packages);
    relationships = withoutNulls(relationships);
  }

  private static <T> List<T> withoutNulls(List<T> list) {
    return list == null ? null : list.stream().filter(java.util.Objects::nonNull).toList();
  }

  static final String DOCUMENT_ID = "SPDXRef-DOCUMENT";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CreationInfo(String created, List<String> creators) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SpdxPackage(
      @JsonProperty("SPDXID") String spdxId,
      String name,
      String versionInfo,
      String downloadLocation,
      Boolean filesAnalyzed,
      String licenseConcluded,
      String licenseDeclared,
      String licenseComments,
      String sourceInfo,
      String primaryPackagePurpose,
      List<ExternalRef> externalRefs,
      String comment) {
    SpdxPackage {
      externalRefs = withoutNulls(externalRefs);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ExternalRef(String referenceCategory, String referenceType, String referenceLocator) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Relationship(String spdxElementId, String relationshipType, String relatedSpdxElement) {}
}
