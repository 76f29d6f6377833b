package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /** The annotation BuildKit puts on the attestation manifests of an index. */
  public static final String REFERENCE_TYPE = "vnd.docker.reference.type";

  /**
   * The platforms of the index's image entries and their manifest digests, in index order, the
   * first entry of a platform listed twice: entries without a platform, {@code unknown/unknown}
   * ones and attestation manifests ({@value #REFERENCE_TYPE} {@code attestation-manifest}) are left
   * out.
   */
  public Map<Platform, String> platforms() {
    Map<Platform, String> out = new LinkedHashMap<>();
    for (Descriptor d : manifests) {
      Platform p = image(d);
      if (p != null) {
        out.putIfAbsent(p, d.digest());
      }
    }
    return out;
  }

  private static Platform image(Descriptor d) {
    Platform p = d.platform() == null ? null : d.platform().toPlatform();
    if (p == null
        || p.os().equals("unknown")
        || "attestation-manifest".equals(d.annotations().get(REFERENCE_TYPE))) {
      return null;
    }
    return p;
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
      Platform p = image(d);
      if (p == null) {
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
