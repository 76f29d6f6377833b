package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OCI image index or Docker manifest list.
 *
 * @param schemaVersion 2
 * @param mediaType media type (may be absent in OCI indexes)
 * @param manifests entries
 * @param annotations index annotations, never null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    List<Descriptor> manifests,
    Map<String, String> annotations)
    implements ManifestDocument {

  public ImageIndex {
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /**
   * The entry for a platform: an exact os/arch/variant match (arm64 without variant means v8, arm
   * means v7); entries without a platform and attestation manifests ({@code unknown/unknown}) are
   * never chosen.
   *
   * @param what the index, named in the error
   * @throws ImageAccessException naming the platform and the platforms the index offers
   */
  public Descriptor select(Platform wanted, String what) throws ImageAccessException {
    List<String> available = new ArrayList<>();
    for (Descriptor d : manifests) {
      Platform p = d.platform() == null ? null : d.platform().toPlatform();
      if (p == null || p.os().equals("unknown")) {
        continue;
      }
      available.add(p.toString());
      if (wanted.matches(p)) {
        return d;
      }
    }
    throw new ImageAccessException(
        ImageAccessException.Reason.PLATFORM_NOT_FOUND,
        "no image for platform "
            + wanted
            + " in "
            + what
            + (available.isEmpty()
                ? " (the index names no platforms)"
                : "; available: " + String.join(", ", available)));
  }
}
