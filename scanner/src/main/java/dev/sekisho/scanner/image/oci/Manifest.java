package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An OCI image manifest or Docker schema-2 manifest (the same shape).
 *
 * @param schemaVersion 2
 * @param mediaType media type (may be absent in OCI manifests)
 * @param config the config blob
 * @param layers layer blobs, bottom-up
 * @param annotations manifest annotations, never null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    int schemaVersion,
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    Map<String, String> annotations)
    implements ManifestDocument {

  public Manifest {
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
