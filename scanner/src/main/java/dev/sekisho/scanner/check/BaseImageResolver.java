package dev.sekisho.scanner.check;

import java.io.IOException;
import java.util.List;

/**
 * Looks up the layers of a candidate base image, so that {@link BaseImageIdentifier} can compare
 * them with the scanned image's. Implemented over the registry client; tests use a fake.
 */
@FunctionalInterface
public interface BaseImageResolver {

  /**
   * The diff ids (digests of the uncompressed layer tars, from the image config's rootfs), bottom
   * up, of {@code imageRef} for the platform being scanned.
   *
   * @throws IOException when the image cannot be fetched (the candidate is then skipped)
   */
  List<String> layerDiffIds(String imageRef) throws IOException;
}
