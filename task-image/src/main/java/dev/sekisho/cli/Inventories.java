package dev.sekisho.cli;

import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.scan.ImageScan;
import java.io.IOException;

/** Reads a target's inventory: from the image, or from an SBOM for {@code sbom:} targets. */
final class Inventories {
  private Inventories() {}

  static Inventory read(Target target, InspectOptions options) throws IOException {
    return ImageScan.inventory(target, options);
  }
}
