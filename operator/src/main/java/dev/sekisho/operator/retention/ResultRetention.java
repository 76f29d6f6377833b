package dev.sekisho.operator.retention;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.store.ReportStore;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ScanResults (and their stored reports) from piling up: a result whose image was last
 * scanned longer ago than the retention, and that no pod in the cluster runs, is deleted together
 * with its report. An image rebuilt and scanned again gets a fresh {@code spec.scannedAt}; an image
 * still running keeps its result whatever its age, so the re-matcher keeps checking what is
 * deployed. Re-matching after a database refresh then costs in proportion to the results kept.
 *
 * <p>It fails safe: when the pods cannot be listed (for example the operator's role lacks {@code
 * list pods}), nothing is deleted in that pass, since what is in use cannot be told.
 *
 * <p>A pod uses a result's image when one of its containers' {@code imageID} (what the runtime
 * pulled) or {@code image} carries the result's digest ({@code spec.digest}), or its {@code image}
 * is the result's {@code spec.image} exactly.
 */
public final class ResultRetention {
  private static final Logger LOG = LoggerFactory.getLogger(ResultRetention.class);
  private static final long PAGE = 500;

  private final KubernetesClient client;
  private final String namespace;
  private final ReportStore store;
  private final Duration retention;
  private final Clock clock;
  private final Counter expired;

  /** One pass: what was looked at, deleted, and kept only because a pod runs the image. */
  public record Pass(int results, int expired, int keptInUse) {}

  /** Expires results in every namespace. */
  public ResultRetention(
      KubernetesClient client,
      ReportStore store,
      Duration retention,
      Clock clock,
      MeterRegistry meters) {
    this(client, null, store, retention, clock, meters);
  }

  /**
   * Expires results in {@code namespace} only (null: every namespace); the pods that keep a result
   * are looked for in every namespace either way.
   */
  public ResultRetention(
      KubernetesClient client,
      String namespace,
      ReportStore store,
      Duration retention,
      Clock clock,
      MeterRegistry meters) {
    if (retention.isZero() || retention.isNegative()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
    this.client = client;
    this.namespace = namespace;
    this.store = store;
    this.retention = retention;
    this.clock = clock;
    this.expired =
        Counter.builder("sekisho_results_expired_total")
            .description(
                "ScanResults deleted (with their stored reports) because their image was last"
                    + " scanned longer ago than the retention and no pod runs it")
            .register(meters);
  }

  /** How often a pass runs: a tenth of the retention, at least a minute, at most an hour. */
  public Duration period() {
    Duration tenth = retention.dividedBy(10);
    if (tenth.compareTo(Duration.ofMinutes(1)) < 0) {
      return Duration.ofMinutes(1);
    }
    return tenth.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : tenth;
  }

  /**
   * One pass over every ScanResult.
   *
   * @throws KubernetesClientException when the results or the pods cannot be listed (nothing is
   *     deleted then)
   */
  public Pass sweep() {
    Instant cutoff = clock.instant().minus(retention);
    List<ScanResult> old = new ArrayList<>();
    int[] total = {0};
    pages(
        opts ->
            namespace == null
                ? client.resources(ScanResult.class).inAnyNamespace().list(opts)
                : client.resources(ScanResult.class).inNamespace(namespace).list(opts),
        list -> {
          total[0] += list.getItems().size();
          for (ScanResult r : list.getItems()) {
            if (lastScanned(r).isBefore(cutoff)) {
              old.add(r);
            }
          }
        });
    if (old.isEmpty()) {
      return new Pass(total[0], 0, 0);
    }
    InUse inUse = inUse();
    int deleted = 0;
    int kept = 0;
    for (ScanResult r : old) {
      if (inUse.uses(r)) {
        kept++;
        continue;
      }
      String ns = r.getMetadata().getNamespace();
      String name = r.getMetadata().getName();
      // only the version read is deleted: a result rescanned meanwhile (a new resourceVersion)
      // stays
      try {
        client
            .resources(ScanResult.class)
            .inNamespace(ns)
            .withName(name)
            .lockResourceVersion(r.getMetadata().getResourceVersion())
            .delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 || e.getCode() == 404) {
          // rescanned (or deleted) since the list: not expired after all, or nothing left to do
          LOG.debug("not expiring {}/{}: {}", ns, name, e.getMessage());
          continue;
        }
        throw e;
      }
      // A rescan after the delete stores its report under the same key before it creates the
      // new result: a report written since the cutoff is that one, not the expired result's. If
      // no result claims it after all, the re-matcher's orphan sweep deletes it.
      String key = ReportStore.key(ns, name);
      try {
        Instant written = store.modified(key).orElse(null);
        if (written != null && !written.isBefore(cutoff)) {
          LOG.info(
              "kept the stored report of expired scan result {}/{}: written at {}, after its last"
                  + " scan, by a rescan in flight",
              ns,
              name,
              written);
        } else {
          store.delete(key);
        }
      } catch (IOException e) {
        LOG.warn("cannot delete the stored report of {}/{}: {}", ns, name, e.getMessage());
      }
      expired.increment();
      deleted++;
      LOG.info(
          "expired scan result namespace={} name={} image={} lastScanned={}",
          ns,
          name,
          r.getSpec() == null ? null : r.getSpec().getImage(),
          lastScanned(r));
    }
    return new Pass(total[0], deleted, kept);
  }

  /** When the result's image was last scanned: {@code spec.scannedAt}, else its creation. */
  static Instant lastScanned(ScanResult r) {
    OffsetDateTime scanned = r.getSpec() == null ? null : r.getSpec().getScannedAt();
    if (scanned != null) {
      return scanned.toInstant();
    }
    String created = r.getMetadata().getCreationTimestamp();
    return created == null ? Instant.MAX : OffsetDateTime.parse(created).toInstant();
  }

  /** The images the pods of the cluster run, read once per pass. */
  private InUse inUse() {
    Set<String> digests = new HashSet<>();
    Set<String> images = new HashSet<>();
    pages(
        opts -> client.pods().inAnyNamespace().list(opts),
        (PodList list) -> {
          for (Pod p : list.getItems()) {
            PodSpec spec = p.getSpec();
            if (spec != null) {
              Stream.of(spec.getContainers(), spec.getInitContainers())
                  .filter(l -> l != null)
                  .flatMap(List::stream)
                  .forEach(
                      c -> {
                        if (c.getImage() != null) {
                          images.add(c.getImage());
                          addDigest(digests, c.getImage());
                        }
                      });
            }
            PodStatus status = p.getStatus();
            if (status != null) {
              Stream.of(
                      status.getContainerStatuses(),
                      status.getInitContainerStatuses(),
                      status.getEphemeralContainerStatuses())
                  .filter(l -> l != null)
                  .flatMap(List::stream)
                  .map(ContainerStatus::getImageID)
                  .forEach(id -> addDigest(digests, id));
            }
          }
        });
    return new InUse(digests, images);
  }

  /** The {@code sha256:…} digest of a reference or runtime image id, when it carries one. */
  static void addDigest(Set<String> into, String reference) {
    if (reference == null) {
      return;
    }
    int at = reference.lastIndexOf("sha256:");
    if (at >= 0) {
      into.add(reference.substring(at));
    }
  }

  private record InUse(Set<String> digests, Set<String> images) {
    boolean uses(ScanResult r) {
      if (r.getSpec() == null) {
        return false;
      }
      String digest = r.getSpec().getDigest();
      return (digest != null && digests.contains(digest))
          || (r.getSpec().getImage() != null && images.contains(r.getSpec().getImage()));
    }
  }

  private interface Lister<L> {
    L list(ListOptions options);
  }

  private static <L extends KubernetesResourceList<?>> void pages(
      Lister<L> lister, Consumer<L> each) {
    String next = null;
    do {
      L list = lister.list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      each.accept(list);
      next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
  }
}
