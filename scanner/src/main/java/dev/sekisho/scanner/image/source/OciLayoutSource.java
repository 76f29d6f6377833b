package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ConfigBlob;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageConfig;
import dev.sekisho.scanner.image.oci.ImageIndex;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Manifest;
import dev.sekisho.scanner.image.oci.ManifestDocument;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.oci.VerifyingInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An image in an OCI image layout, in a directory ({@code oci:}) or inside a tar ({@code
 * oci-archive:}). The image is chosen by the {@code org.opencontainers.image.ref.name} annotation
 * of the entries of {@code index.json} (a tag, or a full reference whose tag is compared); without
 * a tag the layout must hold exactly one image (or one multi-platform set). Every blob is checked
 * against its digest.
 */
final class OciLayoutSource implements ImageSource {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final int MAX_JSON = 32 << 20;

  private final BlobStore store;
  private final String tag;
  private final Closeable onClose;

  OciLayoutSource(BlobStore store, String tag, Closeable onClose) {
    this.store = store;
    this.tag = tag;
    this.onClose = onClose;
  }

  @Override
  public String describe() {
    return "OCI layout " + store.describe() + (tag == null ? "" : " tag " + tag);
  }

  @Override
  public ResolvedImage resolve(Platform platform) throws IOException {
    byte[] indexJson;
    try (InputStream in = store.open("index.json")) {
      indexJson = in.readNBytes(MAX_JSON);
    } catch (ImageAccessException e) {
      throw new ImageAccessException(
          Reason.NOT_FOUND,
          store.describe() + " is not an OCI image layout: it has no index.json",
          e);
    }
    ManifestDocument top =
        ManifestDocument.parse(
            indexJson, MediaTypes.OCI_INDEX, "index.json of " + store.describe());
    if (!(top instanceof ImageIndex index)) {
      throw new ImageAccessException(
          Reason.INVALID, "index.json of " + store.describe() + " is not an image index");
    }
    List<Descriptor> candidates = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      String name = d.annotations().get(REF_NAME);
      if (name != null) {
        tags.add(name);
      }
      if (tag == null || tagMatches(name, tag)) {
        candidates.add(d);
      }
    }
    Descriptor chosen;
    String digest;
    if (candidates.size() == 1) {
      chosen = candidates.get(0);
      digest = chosen.digest();
    } else if (candidates.isEmpty()) {
      throw new ImageAccessException(
          Reason.NOT_FOUND,
          (tag == null ? "no image" : "no image tagged " + tag)
              + " in "
              + store.describe()
              + (tags.isEmpty() ? "" : "; tags: " + String.join(", ", tags)));
    } else if (candidates.stream().allMatch(d -> d.platform() != null)) {
      // index.json itself lists one image per platform
      chosen =
          new ImageIndex(2, MediaTypes.OCI_INDEX, candidates, null)
              .select(platform, store.describe());
      digest = null;
    } else {
      throw new ImageAccessException(
          Reason.INVALID,
          store.describe()
              + " holds "
              + candidates.size()
              + " images; name one with a tag ("
              + (tags.isEmpty() ? "none are tagged" : "tags: " + String.join(", ", tags))
              + ")");
    }
    String what = store.describe();
    ManifestDocument doc = readDocument(chosen, what);
    Platform selected = chosen.platform() == null ? null : chosen.platform().toPlatform();
    String manifestDigest = chosen.digest();
    if (doc instanceof ImageIndex inner) {
      Descriptor entry = inner.select(platform, "index " + chosen.digest() + " of " + what);
      selected = entry.platform().toPlatform();
      doc = readDocument(entry, what);
      manifestDigest = entry.digest();
      if (!(doc instanceof Manifest)) {
        throw new ImageAccessException(
            Reason.UNSUPPORTED,
            "nested indexes are not supported (" + entry.digest() + " in " + what + ")");
      }
    }
    Manifest manifest = (Manifest) doc;
    Descriptor configBlob = manifest.config();
    ImageConfig config =
        ConfigBlob.read(
                () -> openBlob(configBlob, what),
                configBlob.size(),
                null,
                "the config " + configBlob.digest() + " in " + what)
            .config();
    String name = chosen.annotations().get(REF_NAME);
    String registry = null;
    String repository = null;
    String imageTag = name;
    ImageReference full = fullReference(name);
    if (full != null) {
      registry = full.registry();
      repository = full.repository();
      imageTag = full.tag();
    }
    return new ResolvedImage(
        registry,
        repository,
        imageTag,
        digest == null ? manifestDigest : digest,
        manifestDigest,
        manifest,
        config,
        config.platform() != null ? config.platform() : selected);
  }

  /** A ref.name that is a full reference with a registry host, or null for a plain tag. */
  private static ImageReference fullReference(String name) {
    if (name == null || !name.contains("/")) {
      return null;
    }
    try {
      return ImageReference.parse(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean tagMatches(String refName, String tag) {
    if (refName == null) {
      return false;
    }
    if (refName.equals(tag)) {
      return true;
    }
    ImageReference full = fullReference(refName);
    return full != null && (tag.equals(full.tag()) || tag.equals(full.toString()));
  }

  private ManifestDocument readDocument(Descriptor d, String what) throws IOException {
    return ManifestDocument.parse(
        readBlob(d, what), d.mediaType(), "manifest " + d.digest() + " in " + what);
  }

  private byte[] readBlob(Descriptor d, String what) throws IOException {
    if (d.size() > MAX_JSON) {
      throw new ImageAccessException(
          Reason.INVALID, "blob " + d.digest() + " in " + what + " is too large");
    }
    try (InputStream in = openBlob(d, what)) {
      byte[] bytes = in.readAllBytes();
      return bytes;
    }
  }

  private InputStream openBlob(Descriptor d, String what) throws IOException {
    Digest digest;
    try {
      digest = Digest.parse(d.digest());
    } catch (IllegalArgumentException e) {
      throw new ImageAccessException(Reason.INVALID, "in " + what + ": " + e.getMessage(), e);
    }
    String path = "blobs/" + digest.algorithm() + "/" + digest.hex();
    return new VerifyingInputStream(
        store.open(path),
        digest,
        d.size() > 0 ? d.size() : -1,
        "blob " + d.digest() + " in " + what);
  }

  @Override
  public InputStream openLayer(ResolvedImage image, int index) throws IOException {
    return openBlob(image.manifest().layers().get(index), store.describe());
  }

  @Override
  public void close() throws IOException {
    if (onClose != null) {
      onClose.close();
    }
  }
}
