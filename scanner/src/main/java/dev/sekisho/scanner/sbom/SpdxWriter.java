package dev.sekisho.scanner.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes an inventory as an SPDX 2.3 JSON document: the image is the described package, which
 * CONTAINS the operating system and every package; packages carry their purl as a PACKAGE-MANAGER
 * external reference, declared licenses as a license comment (they are not always valid SPDX
 * expressions, so licenseDeclared stays NOASSERTION), and their location as source info.
 */
public final class SpdxWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String NOASSERTION = "NOASSERTION";

  private final String toolVersion;

  /**
   * @param toolVersion Sekisho's version, recorded as the creating tool
   */
  public SpdxWriter(String toolVersion) {
    this.toolVersion = toolVersion;
  }

  /** The inventory as SPDX 2.3 JSON. */
  public String toJson(Inventory inventory) {
    try {
      return JSON.writeValueAsString(toDocument(inventory));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write SPDX JSON: " + e.getMessage(), e);
    }
  }

  SpdxDocument toDocument(Inventory inventory) {
    String imageName = imageName(inventory.image());
    List<SpdxDocument.SpdxPackage> packages = new ArrayList<>();
    List<SpdxDocument.Relationship> relationships = new ArrayList<>();
    String rootId = "SPDXRef-Image";
    packages.add(
        new SpdxDocument.SpdxPackage(
            rootId,
            imageName,
            inventory.image() == null ? null : inventory.image().digest(),
            NOASSERTION,
            false,
            NOASSERTION,
            NOASSERTION,
            null,
            null,
            "CONTAINER",
            null,
            null));
    relationships.add(new SpdxDocument.Relationship(SpdxDocument.DOCUMENT_ID, "DESCRIBES", rootId));
    OperatingSystem os = inventory.os();
    if (os != null) {
      packages.add(
          new SpdxDocument.SpdxPackage(
              "SPDXRef-OperatingSystem",
              os.family(),
              os.version(),
              NOASSERTION,
              false,
              NOASSERTION,
              NOASSERTION,
              null,
              null,
              "OPERATING_SYSTEM",
              null,
              os.prettyName()));
      relationships.add(
          new SpdxDocument.Relationship(rootId, "CONTAINS", "SPDXRef-OperatingSystem"));
    }
    int i = 0;
    for (Package p : inventory.packages()) {
      String id = "SPDXRef-Package-" + i++;
      packages.add(
          new SpdxDocument.SpdxPackage(
              id,
              p.name(),
              p.version(),
              NOASSERTION,
              false,
              NOASSERTION,
              NOASSERTION,
              p.licenses().isEmpty() ? null : "declared: " + String.join("; ", p.licenses()),
              p.location() == null ? null : "found in " + p.location(),
              "LIBRARY",
              p.purl() == null
                  ? null
                  : List.of(new SpdxDocument.ExternalRef("PACKAGE-MANAGER", "purl", p.purl())),
              null));
      relationships.add(new SpdxDocument.Relationship(rootId, "CONTAINS", id));
    }
    return new SpdxDocument(
        SpdxDocument.VERSION,
        "CC0-1.0",
        SpdxDocument.DOCUMENT_ID,
        imageName,
        "https://sekisho.dev/spdx/" + safe(imageName) + "-" + UUID.randomUUID(),
        new SpdxDocument.CreationInfo(
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            List.of("Tool: sekisho-" + toolVersion)),
        packages,
        relationships);
  }

  private static String imageName(ImageFacts image) {
    if (image == null) {
      return "unknown";
    }
    if (image.reference() != null && !image.reference().isEmpty()) {
      return image.reference();
    }
    return image.repository() == null ? "unknown" : image.repository();
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "-");
  }
}
