package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where an image's manifest, config and layers come from: a registry, an OCI layout, an OCI archive
 * or a {@code docker save} archive. Open one with {@link ImageSources#open}.
 */
public interface ImageSource extends Closeable {

  /** Resolves the image to one platform's manifest and config, reading no layer. */
  ResolvedImage resolve(Platform platform) throws IOException;

  /**
   * Opens layer {@code index} (bottom-up) of a resolved image. The stream verifies the layer's
   * digest when it reaches its end and fails there on a mismatch. Safe to call from several threads
   * at once, and more than once per layer. The caller closes the stream.
   */
  InputStream openLayer(ResolvedImage image, int index) throws IOException;

  /** What this source reads, for messages. */
  String describe();

  @Override
  default void close() throws IOException {}
}
