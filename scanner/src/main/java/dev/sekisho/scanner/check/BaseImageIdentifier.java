package dev.sekisho.scanner.check;

import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Identifies the image a scanned image was built on.
 *
 * <p>The OCI annotations {@code org.opencontainers.image.base.name} (and {@code .digest}) win when
 * the build recorded them. Otherwise every candidate that names one image (an allowed base image
 * entry without wildcards) is resolved to its layer diff ids; a candidate whose complete layer
 * chain is a leading prefix of the image's layers is a base, and the one with the longest chain
 * wins (an image built on {@code python:3.12} shares {@code debian}'s layers too, but python's
 * chain is longer). A candidate that shares only some leading layers is not a base: the image was
 * built on something else on top of them.
 */
public final class BaseImageIdentifier {
  private BaseImageIdentifier() {}

  /**
   * The outcome.
   *
   * @param baseImage the identified base image, or null
   * @param warnings candidates that could not be resolved
   */
  public record Result(BaseImage baseImage, List<ScanWarning> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Identifies the base image.
   *
   * @param image the scanned image
   * @param candidates image references or globs (typically every selected policy's
   *     allowedBaseImages); globs are not resolvable and are skipped
   * @param resolver fetches a candidate's layer diff ids
   */
  public static Result identify(
      ImageFacts image, Collection<String> candidates, BaseImageResolver resolver) {
    String annotated = image.baseImageName();
    if (annotated != null && !annotated.isBlank()) {
      return new Result(
          new BaseImage(annotated.strip(), image.baseImageDigest(), BaseImage.Method.ANNOTATION, 0),
          List.of());
    }
    List<String> imageLayers = new ArrayList<>();
    for (LayerInfo layer : image.layers()) {
      if (layer.diffId() == null) {
        return new Result(
            null,
            List.of(
                new ScanWarning(
                    null,
                    "cannot identify the base image from layers: layer "
                        + layer.digest()
                        + " has no diff id")));
      }
      imageLayers.add(layer.diffId());
    }
    List<ScanWarning> warnings = new ArrayList<>();
    BaseImage best = null;
    for (String candidate : new LinkedHashSet<>(candidates)) {
      if (candidate == null || candidate.isBlank() || !Glob.isLiteral(candidate)) {
        continue;
      }
      List<String> chain;
      try {
        chain = resolver.layerDiffIds(candidate);
      } catch (IOException | RuntimeException e) {
        warnings.add(
            new ScanWarning(
                null, "cannot resolve candidate base image " + candidate + ": " + e.getMessage()));
        continue;
      }
      if (chain == null || chain.isEmpty() || chain.size() > imageLayers.size()) {
        continue;
      }
      if (imageLayers.subList(0, chain.size()).equals(chain)
          && (best == null || chain.size() > best.sharedLayers())) {
        best = new BaseImage(candidate, null, BaseImage.Method.SHARED_LAYERS, chain.size());
      }
    }
    return new Result(best, warnings);
  }
}
