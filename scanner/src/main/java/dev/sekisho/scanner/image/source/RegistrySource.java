package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.registry.RegistryClient;
import java.io.InputStream;

/** An image in a registry. */
final class RegistrySource implements ImageSource {
  private final RegistryClient client;
  private final ImageReference reference;

  RegistrySource(RegistryClient client, ImageReference reference) {
    this.client = client;
    this.reference = reference;
  }

  @Override
  public ResolvedImage resolve(Platform platform) throws ImageAccessException {
    return client.fetchImage(reference, platform);
  }

  @Override
  public InputStream openLayer(ResolvedImage image, int index) throws ImageAccessException {
    return client.openBlob(reference, image.manifest().layers().get(index));
  }

  @Override
  public String describe() {
    return reference.toString();
  }
}
