package dev.sekisho.scanner.model;

import java.util.Objects;

/**
 * The image a scanned image was built on, as far as it could be identified.
 *
 * @param reference the base image reference (e.g. docker.io/library/debian:bookworm)
 * @param digest the base image's manifest digest, or null when not known
 * @param method how it was identified
 * @param sharedLayers number of leading layers shared with the base image (0 when identified from
 *     annotations)
 */
public record BaseImage(String reference, String digest, Method method, int sharedLayers) {

  /** How a base image was identified. */
  public enum Method {
    /** From the OCI annotations org.opencontainers.image.base.name / .digest. */
    ANNOTATION,
    /** From the longest chain of leading layers shared with a candidate image. */
    SHARED_LAYERS
  }

  public BaseImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(method, "method");
  }
}
