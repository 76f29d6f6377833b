package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI / Docker image config that the scanner uses.
 *
 * @param architecture CPU architecture
 * @param os operating system
 * @param variant CPU variant, or null
 * @param created RFC 3339 creation time as written, or null
 * @param config the runtime config, or null
 * @param rootfs the layer diffIds
 * @param history build history, one entry per instruction (some without a layer)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfig(
    String architecture,
    String os,
    String variant,
    String created,
    RuntimeConfig config,
    RootFs rootfs,
    List<History> history) {

  public ImageConfig {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /**
   * Parses a config blob.
   *
   * @param json the blob
   * @param what the config, named in errors ("the config sha256:… of registry/repo:tag")
   * @throws ImageAccessException INVALID when the blob is not a JSON object of this shape
   */
  public static ImageConfig parse(byte[] json, String what) throws ImageAccessException {
    ImageConfig config;
    try {
      config = ManifestDocument.JSON.readValue(json, ImageConfig.class);
    } catch (IOException e) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, what + " is malformed: " + e.getMessage(), e);
    }
    if (config == null) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, what + " is not a JSON object");
    }
    return config;
  }

  /** Runtime settings ({@code config} in the JSON). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RuntimeConfig(
      @JsonProperty("User") String user,
      @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
      @JsonProperty("Env") List<String> env,
      @JsonProperty("Healthcheck") Healthcheck healthcheck,
      @JsonProperty("Labels") Map<String, String> labels) {

    /** JSON nulls among the variables and label values ({@code "Env": [null]}) are dropped. */
    public RuntimeConfig {
      if (env != null) {
        env = env.stream().filter(java.util.Objects::nonNull).toList();
      }
      if (labels != null) {
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        labels.forEach(
            (k, v) -> {
              if (v != null) {
                kept.put(k, v);
              }
            });
        labels = kept;
      }
    }
  }

  /** A HEALTHCHECK; {@code ["NONE"]} disables an inherited one. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Healthcheck(@JsonProperty("Test") List<String> test) {
    /** True when this defines a check (not absent, not NONE). */
    public boolean enabled() {
      return test != null && !test.isEmpty() && !"NONE".equals(test.get(0));
    }
  }

  /** {@code rootfs}: the uncompressed layer digests. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    public RootFs {
      diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }
  }

  /** One history entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record History(
      String created,
      @JsonProperty("created_by") String createdBy,
      String comment,
      @JsonProperty("empty_layer") boolean emptyLayer) {}

  /** The layer diffIds, never null. */
  public List<String> diffIds() {
    return rootfs == null ? List.of() : rootfs.diffIds();
  }

  /** The created time, or null when absent or unparsable. */
  public Instant createdInstant() {
    if (created == null || created.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(created).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The {@code created_by} of each non-empty history entry, in layer order. */
  public List<String> layerCreatedBy() {
    List<String> out = new ArrayList<>();
    for (History h : history) {
      if (!h.emptyLayer()) {
        out.add(h.createdBy());
      }
    }
    return out;
  }

  /** The platform the config declares, or null when it is incomplete. */
  public Platform platform() {
    if (os == null || architecture == null) {
      return null;
    }
    return new Platform(os, architecture, variant);
  }
}
