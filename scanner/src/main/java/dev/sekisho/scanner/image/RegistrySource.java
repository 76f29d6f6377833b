package dev.sekisho.scanner.image;

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
