package dev.sekisho.scanner.image.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sekisho.scanner.image.oci.ConfigBlob;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageConfig;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Manifest;
import dev.sekisho.scanner.image.oci.ManifestDocument;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.oci.VerifyingInputStream;
import dev.sekisho.scanner.layer.Compression;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image in a {@code docker save} archive: {@code manifest.json} lists each image's config file,
 * tags and layer tars (legacy {@code ID/layer.tar} or, since Docker 25, OCI {@code
 * blobs/sha256/…}). Layers may be stored uncompressed or gzip'd; each is checked against its diffId
 * from the config over the uncompressed bytes. The layer "digest" reported for these images is the
 * diffId, since an archive has no registry blob digest. The archive is read in place.
 */
final class DockerArchiveSource implements ImageSource {
  private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})(?:\\.json)?");

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Entry(
      @JsonProperty("Config") String config,
      @JsonProperty("RepoTags") List<String> repoTags,
      @JsonProperty("Layers") List<String> layers) {}

  private final BlobStore store;
  private final ImageReference selector;
  private final Closeable onClose;
  private List<String> layerPaths = List.of();

  DockerArchiveSource(BlobStore store, ImageReference selector, Closeable onClose) {
    this.store = store;
    this.selector = selector;
    this.onClose = onClose;
  }

  @Override
  public String describe() {
    return "docker archive " + store.describe();
  }

  @Override
  public ResolvedImage resolve(Platform platform) throws IOException {
    List<Entry> entries;
    try (InputStream in = store.open("manifest.json")) {
      entries = ManifestDocument.JSON.readValue(in, new TypeReference<List<Entry>>() {});
    } catch (ImageAccessException e) {
      throw new ImageAccessException(
          Reason.NOT_FOUND,
          store.describe() + " is not a docker save archive: it has no manifest.json",
          e);
    } catch (IOException e) {
      throw new ImageAccessException(
          Reason.INVALID,
          "manifest.json of " + store.describe() + " is malformed: " + e.getMessage(),
          e);
    }
    Entry chosen = null;
    ImageReference chosenRef = null;
    List<String> allTags = new ArrayList<>();
    for (Entry e : entries) {
      for (String t : e.repoTags() == null ? List.<String>of() : e.repoTags()) {
        allTags.add(t);
        if (selector != null && chosen == null && sameImage(t, selector)) {
          chosen = e;
          chosenRef = ImageReference.parse(t);
        }
      }
    }
    if (selector == null) {
      if (entries.size() != 1) {
        throw new ImageAccessException(
            Reason.INVALID,
            store.describe()
                + " holds "
                + entries.size()
                + " images; name one with docker-archive:FILE:REF (tags: "
                + String.join(", ", allTags)
                + ")");
      }
      chosen = entries.get(0);
      if (chosen.repoTags() != null && !chosen.repoTags().isEmpty()) {
        chosenRef = parseOrNull(chosen.repoTags().get(0));
      }
    } else if (chosen == null) {
      throw new ImageAccessException(
          Reason.NOT_FOUND,
          "no image "
              + selector
              + " in "
              + store.describe()
              + " (tags: "
              + String.join(", ", allTags)
              + ")");
    }
    if (chosen.config() == null || chosen.layers() == null) {
      throw new ImageAccessException(
          Reason.INVALID, "manifest.json of " + store.describe() + " lacks Config or Layers");
    }
    // a config named by its digest (ID.json, blobs/sha256/ID) is checked against its name
    Matcher m = HEX_NAME.matcher(chosen.config());
    String configFile = chosen.config();
    ConfigBlob configBlob =
        ConfigBlob.read(
            () -> store.open(configFile),
            -1,
            m.matches() ? new Digest("sha256", m.group(1)) : null,
            "the config " + configFile + " in " + store.describe());
    ImageConfig config = configBlob.config();
    List<String> diffIds = config.diffIds();
    if (diffIds.size() != chosen.layers().size()) {
      throw new ImageAccessException(
          Reason.INVALID,
          "the config of "
              + store.describe()
              + " lists "
              + diffIds.size()
              + " diffIds for "
              + chosen.layers().size()
              + " layers");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      String path = chosen.layers().get(i);
      long size = store.size(path);
      if (size < 0) {
        throw new ImageAccessException(
            Reason.NOT_FOUND, "layer " + path + " not found in " + store.describe());
      }
      layers.add(
          new Descriptor(
              MediaTypes.DOCKER_LAYER_UNCOMPRESSED, diffIds.get(i), size, null, null, null));
    }
    layerPaths = List.copyOf(chosen.layers());
    Manifest manifest =
        new Manifest(
            2,
            MediaTypes.DOCKER_MANIFEST,
            new Descriptor(
                MediaTypes.DOCKER_CONFIG,
                configBlob.digest().toString(),
                configBlob.size(),
                null,
                null,
                null),
            layers,
            null);
    return new ResolvedImage(
        chosenRef == null ? null : chosenRef.registry(),
        chosenRef == null ? null : chosenRef.repository(),
        chosenRef == null ? null : chosenRef.tag(),
        null,
        null,
        manifest,
        config,
        config.platform());
  }

  private static ImageReference parseOrNull(String s) {
    try {
      return ImageReference.parse(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean sameImage(String repoTag, ImageReference selector) {
    ImageReference r = parseOrNull(repoTag);
    return r != null
        && r.name().equals(selector.name())
        && java.util.Objects.equals(r.effectiveTag(), selector.effectiveTag());
  }

  @Override
  public InputStream openLayer(ResolvedImage image, int index) throws IOException {
    Descriptor d = image.manifest().layers().get(index);
    String path = layerPaths.get(index);
    InputStream raw = new BufferedInputStream(store.open(path), 1 << 16);
    // The diffId is the digest of the uncompressed tar: verify after decompression.
    InputStream tar =
        Compression.detect(raw) == Compression.NONE ? raw : Compression.decompress(raw);
    return new VerifyingInputStream(
        tar,
        Digest.parse(d.digest()),
        -1,
        "layer " + path + " (diffId " + d.digest() + ") in " + store.describe());
  }

  @Override
  public void close() throws IOException {
    if (onClose != null) {
      onClose.close();
    }
  }
}
