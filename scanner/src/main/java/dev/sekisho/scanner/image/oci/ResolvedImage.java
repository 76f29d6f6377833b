package dev.sekisho.scanner.image.oci;

import dev.sekisho.scanner.model.LayerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image resolved to one platform: its manifest and config, without any layer read. This is
 * enough for base-image identification (layer digests and diffIds) and for the config facts.
 *
 * @param registry registry host[:port], or null for local sources
 * @param repository repository, or null when unknown
 * @param tag tag, or null
 * @param digest digest of what the reference names: the index for a multi-platform image, else the
 *     manifest; null when unknown (docker-archive)
 * @param manifestDigest digest of the platform's manifest, or null when unknown (docker-archive)
 * @param manifest the manifest
 * @param config the image config
 * @param platform the platform the config declares (or the index entry's, when the config has none)
 */
public record ResolvedImage(
    String registry,
    String repository,
    String tag,
    String digest,
    String manifestDigest,
    Manifest manifest,
    ImageConfig config,
    Platform platform) {

  public ResolvedImage {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
  }

  /** Manifest annotations (OCI base-image annotations live here). */
  public Map<String, String> annotations() {
    return manifest.annotations();
  }

  /** Layer digests (compressed blobs), bottom-up. */
  public List<String> layerDigests() {
    return manifest.layers().stream().map(Descriptor::digest).toList();
  }

  /** Layer diffIds (uncompressed tars) from the config, bottom-up. */
  public List<String> diffIds() {
    return config.diffIds();
  }

  /**
   * The layers with digest, diffId, size, media type and the history's created_by (when the
   * history's non-empty entries line up with the layers).
   */
  public List<LayerInfo> layers() {
    List<Descriptor> descriptors = manifest.layers();
    List<String> diffIds = config.diffIds();
    List<String> createdBy = config.layerCreatedBy();
    boolean historyAligned = createdBy.size() == descriptors.size();
    List<LayerInfo> out = new ArrayList<>(descriptors.size());
    for (int i = 0; i < descriptors.size(); i++) {
      Descriptor d = descriptors.get(i);
      out.add(
          new LayerInfo(
              d.digest(),
              i < diffIds.size() ? diffIds.get(i) : null,
              d.size(),
              d.mediaType(),
              historyAligned ? createdBy.get(i) : null));
    }
    return out;
  }
}
