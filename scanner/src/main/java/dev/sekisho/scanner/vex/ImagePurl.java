package dev.sekisho.scanner.vex;

import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The package URL of a scanned image, as OpenVEX products name images: {@code
 * pkg:oci/NAME@DIGEST?repository_url=REGISTRY/REPOSITORY&tag=TAG}, NAME the last path segment of
 * the repository.
 */
public final class ImagePurl {
  private ImagePurl() {}

  /** The image's purl, or empty when the image has no repository name. */
  public static Optional<Purl> of(ImageFacts image) {
    if (image == null) {
      return Optional.empty();
    }
    String registry = image.registry();
    String repo = image.repository();
    String tag = image.tag();
    if ((repo == null || repo.isBlank()) && image.reference() != null) {
      // an SBOM names its image only by the reference in its metadata
      String ref = image.reference().strip();
      if (ref.isEmpty() || ref.contains(":/") || ref.startsWith("sbom:")) {
        return Optional.empty();
      }
      ImageReference parsed = ImageReference.parseLenient(ref);
      registry = parsed.registry();
      repo = parsed.repository();
      tag = parsed.tag();
    }
    if (repo == null || repo.isBlank()) {
      return Optional.empty();
    }
    String repository = repo.strip().toLowerCase(Locale.ROOT);
    String name = repository.substring(repository.lastIndexOf('/') + 1);
    TreeMap<String, String> qualifiers = new TreeMap<>();
    qualifiers.put(
        "repository_url",
        registry == null || registry.isBlank()
            ? repository
            : Purl.repository(registry + "/" + repository));
    if (tag != null && !tag.isBlank()) {
      qualifiers.put("tag", tag);
    }
    String digest = image.digest() == null ? null : image.digest().toLowerCase(Locale.ROOT);
    return Optional.of(new Purl("oci", null, name, digest, qualifiers, null));
  }
}
