package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.InvalidReferenceException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to scan, named with a transport prefix in the convention of skopeo and Syft.
 *
 * <ul>
 *   <li>{@code docker://REF}, {@code registry:REF} or a bare {@code REF}: an image in a registry
 *   <li>{@code oci:DIR[:TAG]}: an OCI image layout directory
 *   <li>{@code oci-archive:FILE[:TAG]}: a tar of an OCI image layout
 *   <li>{@code docker-archive:FILE[:REF]}: the output of {@code docker save}
 *   <li>{@code sbom:FILE}: a CycloneDX or SPDX document read as the inventory (the CLI hands it to
 *       the SBOM reader; {@link dev.sekisho.scanner.artifact.ArtifactInspector} does not read it)
 * </ul>
 *
 * <p>As in skopeo, the path ends at the first colon after the prefix: paths with colons cannot be
 * named.
 *
 * @param kind transport
 * @param reference the registry reference (REGISTRY), or the optional reference selecting an image
 *     in a docker-archive; null otherwise
 * @param path the local file or directory (all kinds but REGISTRY), else null
 * @param tag the tag selecting an image in an OCI layout or archive, or null
 * @param input the target as the user gave it
 */
public record Target(Kind kind, ImageReference reference, Path path, String tag, String input) {

  /** Transport of a target. */
  public enum Kind {
    /** An image in a registry. */
    REGISTRY,
    /** An OCI image layout directory. */
    OCI_LAYOUT,
    /** A tar of an OCI image layout. */
    OCI_ARCHIVE,
    /** A {@code docker save} tar. */
    DOCKER_ARCHIVE,
    /** An SBOM document; read by {@code dev.sekisho.scanner.sbom.SbomReader}. */
    SBOM
  }

  public Target {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(input, "input");
  }

  /**
   * Parses a target.
   *
   * @throws InvalidReferenceException naming the input and the problem
   */
  public static Target parse(String input) {
    if (input == null || input.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(input), "the target is empty");
    }
    if (input.startsWith("docker://")) {
      return registry(input, input.substring("docker://".length()));
    }
    if (input.startsWith("registry:")) {
      return registry(input, input.substring("registry:".length()));
    }
    if (input.startsWith("oci:")) {
      return local(Kind.OCI_LAYOUT, input, input.substring("oci:".length()));
    }
    if (input.startsWith("oci-archive:")) {
      return local(Kind.OCI_ARCHIVE, input, input.substring("oci-archive:".length()));
    }
    if (input.startsWith("docker-archive:")) {
      return local(Kind.DOCKER_ARCHIVE, input, input.substring("docker-archive:".length()));
    }
    if (input.startsWith("sbom:")) {
      String file = input.substring("sbom:".length());
      if (file.isEmpty()) {
        throw invalid(input, "sbom: needs a file name");
      }
      return new Target(Kind.SBOM, null, Path.of(file), null, input);
    }
    int scheme = input.indexOf("://");
    if (scheme > 0) {
      throw invalid(
          input,
          "unknown transport \""
              + input.substring(0, scheme)
              + "://\" (use docker://, oci:, oci-archive:, docker-archive: or sbom:)");
    }
    return registry(input, input);
  }

  private static Target registry(String input, String ref) {
    try {
      return new Target(Kind.REGISTRY, ImageReference.parse(ref), null, null, input);
    } catch (InvalidReferenceException e) {
      if (ref.equals(input)) {
        throw e;
      }
      throw invalid(input, e.getMessage());
    }
  }

  private static Target local(Kind kind, String input, String rest) {
    int colon = rest.indexOf(':');
    String file = colon < 0 ? rest : rest.substring(0, colon);
    String selector = colon < 0 ? null : rest.substring(colon + 1);
    if (file.isEmpty()) {
      throw invalid(input, "no path given");
    }
    if (selector != null && selector.isEmpty()) {
      throw invalid(input, "empty " + (kind == Kind.DOCKER_ARCHIVE ? "reference" : "tag"));
    }
    if (kind == Kind.DOCKER_ARCHIVE) {
      ImageReference ref = null;
      if (selector != null) {
        try {
          ref = ImageReference.parse(selector);
        } catch (InvalidReferenceException e) {
          throw invalid(input, e.getMessage());
        }
      }
      return new Target(kind, ref, Path.of(file), null, input);
    }
    return new Target(kind, null, Path.of(file), selector, input);
  }

  private static InvalidReferenceException invalid(String input, String problem) {
    return new InvalidReferenceException(
        input, "invalid target \"" + input + "\": " + problem, true);
  }

  @Override
  public String toString() {
    return input;
  }
}
