package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** A manifest or an index: what a manifest endpoint or an OCI layout entry can hold. */
public sealed interface ManifestDocument permits Manifest, ImageIndex {

  /** The JSON mapper for image metadata: unknown fields ignored. */
  ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * Parses a manifest or index.
   *
   * @param body the raw JSON
   * @param contentType the media type the server or descriptor gave, or null
   * @param what what this is, for errors ("manifest of docker.io/library/alpine:3")
   * @throws ImageAccessException UNSUPPORTED for schema 1 and unknown types, INVALID for bad JSON
   */
  static ManifestDocument parse(byte[] body, String contentType, String what)
      throws ImageAccessException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, what + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, what + " is not a JSON object");
    }
    String type = contentType;
    if (type != null) {
      int semi = type.indexOf(';');
      type = (semi >= 0 ? type.substring(0, semi) : type).strip();
    }
    JsonNode declared = root.get("mediaType");
    if (declared != null && declared.isTextual()) {
      type = declared.asText();
    }
    int schemaVersion = root.path("schemaVersion").asInt(0);
    if (MediaTypes.isSchema1(type) || schemaVersion == 1) {
      throw new ImageAccessException(
          ImageAccessException.Reason.UNSUPPORTED,
          what
              + " is a Docker schema 1 manifest, which is deprecated and not supported; push the"
              + " image again with a current client (e.g. skopeo copy) to store it as Docker"
              + " schema 2 or OCI");
    }
    boolean index =
        MediaTypes.isIndex(type) || (!MediaTypes.isManifest(type) && root.has("manifests"));
    boolean manifest =
        MediaTypes.isManifest(type) || (!MediaTypes.isIndex(type) && root.has("layers"));
    try {
      if (index) {
        return JSON.treeToValue(root, ImageIndex.class);
      }
      if (manifest) {
        Manifest m = JSON.treeToValue(root, Manifest.class);
        if (m.config() == null || m.config().digest() == null) {
          throw new ImageAccessException(
              ImageAccessException.Reason.INVALID, what + " has no config descriptor");
        }
        return m;
      }
    } catch (IOException e) {
      if (e instanceof ImageAccessException iae) {
        throw iae;
      }
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, what + " is malformed: " + e.getMessage(), e);
    }
    throw new ImageAccessException(
        ImageAccessException.Reason.UNSUPPORTED,
        what + " has the unsupported media type " + (type == null ? "(none)" : type));
  }
}
