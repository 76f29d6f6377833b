package dev.sekisho.scanner.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor.
 *
 * @param mediaType media type of the referenced content
 * @param digest digest of the content
 * @param size size in bytes
 * @param platform platform (in an index), or null
 * @param annotations annotations, never null
 * @param urls foreign-layer URLs, never null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
    String mediaType,
    String digest,
    long size,
    PlatformSpec platform,
    Map<String, String> annotations,
    List<String> urls) {

  public Descriptor {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    urls = urls == null ? List.of() : List.copyOf(urls);
  }

  /** The platform object of an index entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record PlatformSpec(
      String architecture,
      String os,
      String variant,
      @JsonProperty("os.version") String osVersion) {

    /** As a {@link Platform}, or null when os or architecture is missing. */
    public Platform toPlatform() {
      if (os == null || architecture == null) {
        return null;
      }
      return new Platform(os, architecture, variant);
    }
  }
}
