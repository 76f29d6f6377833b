package dev.sekisho.scanner.model;

import java.util.Objects;

/**
 * Where something was found: the layer (by its compressed blob digest, or null for a source without
 * layers such as an SBOM) and the absolute path in the image file system ("/var/lib/dpkg/status").
 * For files nested in archives the path joins the levels with "!" (e.g.
 * "/app.jar!/BOOT-INF/lib/x.jar").
 */
public record Location(String layerDigest, String path) {
  public Location {
    Objects.requireNonNull(path, "path");
  }

  @Override
  public String toString() {
    return layerDigest == null ? path : path + " (layer " + layerDigest + ")";
  }
}
