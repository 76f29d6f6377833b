package dev.sekisho.operator.workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the operator watches of running workloads and how it scans their images (environment
 * variables {@code SEKISHO_WORKLOAD_*}, see docs/admin-guide.md "Images in use").
 *
 * @param enabled watch pods at all ({@code SEKISHO_WORKLOADS}); off by default, since it needs
 *     list/watch on pods (and, to scan, get on secrets) that the operator otherwise does without
 * @param namespaces the namespaces whose pods are watched; empty for every namespace
 * @param podSelector a label selector pods must match to be watched, or null for all
 * @param scan scan images found running without a ScanResult in their namespace
 * @param workers scans of running images at once (1 to {@link #MAX_WORKERS})
 * @param retry how long after a failed scan the image is tried again; doubled after each failure up
 *     to {@link #MAX_RETRY}
 * @param resync how often every image in use is checked for a missing ScanResult anyway (the events
 *     of a replica that just became leader, a result deleted by hand)
 * @param plainHttpRegistries registries ({@code host[:port]}) reached over plain HTTP when pulling
 *     a running image
 * @param caBundles PEM files with CAs trusted (besides the JDK's) when pulling a running image
 */
public record WorkloadConfig(
    boolean enabled,
    List<String> namespaces,
    String podSelector,
    boolean scan,
    int workers,
    Duration retry,
    Duration resync,
    Set<String> plainHttpRegistries,
    List<Path> caBundles) {

  /** The most scans of running images at once; each holds one image's layers' analysis. */
  public static final int MAX_WORKERS = 4;

  /** Failed scans are retried at most this far apart. */
  public static final Duration MAX_RETRY = Duration.ofHours(6);

  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  public WorkloadConfig {
    namespaces = List.copyOf(namespaces);
    plainHttpRegistries = Set.copyOf(plainHttpRegistries);
    caBundles = List.copyOf(caBundles);
  }

  /** Workload watching off. */
  public static final WorkloadConfig DISABLED =
      new WorkloadConfig(
          false,
          List.of(),
          null,
          false,
          1,
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Set.of(),
          List.of());

  /**
   * Reads the {@code SEKISHO_WORKLOAD_*} variables; a bad value fails naming the variable.
   *
   * @param duration parses a duration variable as the rest of the configuration does
   * @param bool parses a boolean variable as the rest of the configuration does
   */
  public static WorkloadConfig fromEnv(
      Map<String, String> env,
      BiFunction<String, Duration, Duration> duration,
      BiFunction<String, Boolean, Boolean> bool) {
    boolean enabled = bool.apply("SEKISHO_WORKLOADS", false);
    List<String> namespaces = list(env.get("SEKISHO_WORKLOAD_NAMESPACES"));
    for (String ns : namespaces) {
      if (!DNS_LABEL.matcher(ns).matches()) {
        throw new IllegalArgumentException(
            "SEKISHO_WORKLOAD_NAMESPACES="
                + env.get("SEKISHO_WORKLOAD_NAMESPACES")
                + ": "
                + ns
                + " is not a namespace name (lower case, digits, '-')");
      }
    }
    String workers = env.getOrDefault("SEKISHO_WORKLOAD_SCAN_WORKERS", "1").trim();
    int n;
    try {
      n = Integer.parseInt(workers.isEmpty() ? "1" : workers);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_WORKERS) {
      throw new IllegalArgumentException(
          "SEKISHO_WORKLOAD_SCAN_WORKERS="
              + workers
              + ": expected 1 to "
              + MAX_WORKERS
              + " (each scan holds one image's analysis in memory)");
    }
    Duration retry = duration.apply("SEKISHO_WORKLOAD_SCAN_RETRY", Duration.ofMinutes(5));
    Duration resync = duration.apply("SEKISHO_WORKLOAD_RESYNC", Duration.ofMinutes(10));
    if (retry.isZero() || resync.isZero()) {
      throw new IllegalArgumentException(
          "SEKISHO_WORKLOAD_SCAN_RETRY and SEKISHO_WORKLOAD_RESYNC must be positive");
    }
    String selector = env.get("SEKISHO_WORKLOAD_POD_SELECTOR");
    return new WorkloadConfig(
        enabled,
        namespaces,
        selector == null || selector.isBlank() ? null : selector.trim(),
        bool.apply("SEKISHO_WORKLOAD_SCAN", true),
        n,
        retry,
        resync,
        Set.copyOf(list(env.get("SEKISHO_WORKLOAD_PLAIN_HTTP_REGISTRIES"))),
        list(env.get("SEKISHO_WORKLOAD_REGISTRY_CA_FILES")).stream().map(Path::of).toList());
  }

  /** Whether pods of {@code namespace} are watched (the namespace list; the selector aside). */
  public boolean watches(String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  private static List<String> list(String v) {
    return v == null || v.isBlank()
        ? List.of()
        : Arrays.stream(v.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toList());
  }
}
