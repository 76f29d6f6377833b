package dev.sekisho.scanner.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small OCI image layouts for tests. */
public final class OciLayoutBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final ArrayNode manifests = JSON.createArrayNode();

  public OciLayoutBuilder(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A written blob. */
  public record Blob(String mediaType, String digest, long size, byte[] bytes) {}

  public Blob blob(String mediaType, byte[] bytes) {
    Digest d = Digest.sha256(bytes);
    try {
      Files.write(dir.resolve("blobs/sha256/" + d.hex()), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Blob(mediaType, d.toString(), bytes.length, bytes);
  }

  /** A gzip'd layer blob with its diffId. */
  public record LayerBlob(Blob blob, String diffId, String createdBy) {}

  public LayerBlob layer(byte[] tar, String createdBy) {
    return new LayerBlob(
        blob(MediaTypes.OCI_LAYER_GZIP, TarBuilder.gzip(tar)),
        Digest.sha256(tar).toString(),
        createdBy);
  }

  /** Writes config and manifest; returns the manifest blob. */
  public Blob image(
      ObjectNode runtimeConfig, List<LayerBlob> layers, ObjectNode annotations, String arch) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", arch);
    config.put("os", "linux");
    config.put("created", "2026-11-01T12:00:00Z");
    config.set("config", runtimeConfig);
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    history.addObject().put("created_by", "ENV X=1").put("empty_layer", true);
    for (LayerBlob l : layers) {
      diffIds.add(l.diffId());
      history.addObject().put("created_by", l.createdBy());
    }
    Blob configBlob = blob(MediaTypes.OCI_CONFIG, bytes(config));
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(configBlob));
    ArrayNode ls = manifest.putArray("layers");
    layers.forEach(l -> ls.add(descriptor(l.blob())));
    if (annotations != null) {
      manifest.set("annotations", annotations);
    }
    return blob(MediaTypes.OCI_MANIFEST, bytes(manifest));
  }

  /** Adds an index.json entry for a manifest or index, tagged. */
  public OciLayoutBuilder tag(Blob blob, String tag) {
    ObjectNode d = descriptor(blob);
    if (tag != null) {
      d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    }
    manifests.add(d);
    return this;
  }

  public Blob index(List<Blob> images, List<String> archs) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode ms = index.putArray("manifests");
    for (int i = 0; i < images.size(); i++) {
      ObjectNode d = descriptor(images.get(i));
      d.putObject("platform").put("os", "linux").put("architecture", archs.get(i));
      ms.add(d);
    }
    return blob(MediaTypes.OCI_INDEX, bytes(index));
  }

  public Path finish() {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", manifests);
    try {
      Files.write(dir.resolve("index.json"), bytes(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  private static ObjectNode descriptor(Blob b) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", b.mediaType());
    d.put("digest", b.digest());
    d.put("size", b.size());
    return d;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
