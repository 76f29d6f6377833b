package dev.sekisho.scanner.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the image's reference, manifest and config say, for checks and policies. Environment values
 * are never kept: only names.
 *
 * @param reference the reference as given by the user (normalised), e.g.
 *     docker.io/library/nginx:1.27
 * @param registry registry host[:port], e.g. docker.io; null for local sources without one
 * @param repository repository path, e.g. library/nginx
 * @param tag tag, or null when the image was named by digest only or has none
 * @param digest manifest digest (sha256:…), or null when unknown
 * @param platform os/arch[/variant]
 * @param user the config's User ("" when unset)
 * @param exposedPorts exposed ports as the config lists them ("22/tcp")
 * @param envNames names of the config's environment variables
 * @param healthcheck true when the config defines a HEALTHCHECK (not NONE)
 * @param labels config labels
 * @param annotations manifest annotations (OCI base-image annotations live here)
 * @param created config created time, or null
 * @param layers layers bottom-up
 */
public record ImageFacts(
    String reference,
    String registry,
    String repository,
    String tag,
    String digest,
    String platform,
    String user,
    List<String> exposedPorts,
    List<String> envNames,
    boolean healthcheck,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant created,
    List<LayerInfo> layers) {

  public ImageFacts {
    exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
    envNames = envNames == null ? List.of() : List.copyOf(envNames);
    // sorted: reports list them in the same order on every run (Map.copyOf has no fixed order)
    labels = sortedCopy(labels);
    annotations = sortedCopy(annotations);
    layers = layers == null ? List.of() : List.copyOf(layers);
    user = user == null ? "" : user;
  }

  /** The OCI annotation naming the base image, if the build recorded it. */
  public String baseImageName() {
    return annotations.get("org.opencontainers.image.base.name");
  }

  /** The OCI annotation with the base image's manifest digest, if the build recorded it. */
  public String baseImageDigest() {
    return annotations.get("org.opencontainers.image.base.digest");
  }

  private static Map<String, String> sortedCopy(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    // Map.copyOf first: it refuses null keys and values, as before
    return Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(map)));
  }
}
