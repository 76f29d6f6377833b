package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.artifact.ArtifactInspector;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.sbom.SbomReader;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading an image: the stage before {@link ScanPipeline#scan}. The CLI reads the image and scans
 * the inventory itself; the Task step reads it and sends it to the operator's scan API, which scans
 * it with {@link ScanPipeline#scan} against its own database.
 *
 * <pre>
 * Target ──inventory──► Inventory ──ScanPipeline.scan──► ScanReport + Evaluation
 * </pre>
 */
public final class ImageScan {
  private static final Logger LOG = LoggerFactory.getLogger(ImageScan.class);

  private ImageScan() {}

  /**
   * What is in the image (packages, secrets, facts). Reads a registry image, an OCI layout or
   * archive, a docker archive, or (for {@code sbom:} targets) a CycloneDX or SPDX document.
   *
   * @throws IOException naming the image and the failure (see {@code ImageAccessException})
   */
  public static Inventory inventory(Target target, InspectOptions options) throws IOException {
    long start = System.nanoTime();
    Inventory inventory =
        target.kind() == Target.Kind.SBOM
            ? SbomReader.read(target.path())
            : new ArtifactInspector().inspect(target, options);
    LOG.info(
        "inventory target={} packages={} secrets={} millis={}",
        target,
        inventory.packages().size(),
        inventory.secrets().size(),
        (System.nanoTime() - start) / 1_000_000);
    return inventory;
  }

  /**
   * The platforms a registry image offers when its reference names an index, each with its manifest
   * digest (attestation manifests and {@code unknown/unknown} entries left out), for {@code
   * --platform all}; an empty map for a single-platform image and for every target that is not in a
   * registry.
   */
  public static Map<Platform, String> platforms(Target target, InspectOptions options)
      throws IOException {
    if (target.kind() != Target.Kind.REGISTRY) {
      return Map.of();
    }
    try (RegistryClient client = new RegistryClient(options.registry())) {
      return client.platforms(target.reference());
    }
  }

  /** Resolves candidate base images through a registry client for the given platform. */
  public static BaseImageResolver registryResolver(RegistryClient client, Platform platform) {
    return ref -> client.fetchImage(ImageReference.parse(ref), platform).diffIds();
  }
}
