package dev.sekisho.operator.workload;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.store.ResultWriter;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.operator.workload.WorkloadInventory.ImageKey;
import dev.sekisho.operator.workload.WorkloadInventory.Running;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.scan.ImageScan;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans images that run without a ScanResult in their namespace and records each as a ScanResult
 * with source kind Workload in that namespace, through the one scan function ({@link
 * ScanPipeline#scan}) and the one road that records scans ({@link ResultWriter}); the ScanResult
 * reconciler then decides it like any other.
 *
 * <p>Where the image comes from: when a ScanResult of the same digest exists in another namespace
 * and its report is in the store, that report's inventory is matched again (no pull: the digest
 * names the same bytes). Otherwise the image is pulled by digest with the credentials of a pod that
 * runs it ({@link PullSecrets}: the pod's and its ServiceAccount's pull Secrets only), never the
 * operator's own. An image that cannot be scanned gets a result with the reason in the annotation
 * {@link Constants#ANNOTATION_SCAN_ERROR} (verdict Error) and is tried again after {@link
 * WorkloadConfig#retry()}, doubled after each failure.
 *
 * <p>Bounded: {@link WorkloadConfig#workers()} scans at once (one layer at a time each, no layer
 * cache), at most one pending scan per (namespace, digest), and only on the leader.
 */
public final class WorkloadScanner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadScanner.class);

  /** Prefix of the ScanResults this scanner names: {@code workload-<12 hex of the digest>}. */
  public static final String NAME_PREFIX = "workload-";

  private final WorkloadConfig config;
  private final WorkloadInventory inventory;
  private final ScanResultCache results;
  private final ReportStore store;
  private final ResultWriter writer;
  private final VulnMatcher matcher;
  private final PullSecrets secrets;
  private final BiFunction<String, String, Optional<Pod>> pods;
  private final BooleanSupplier leading;
  private final Clock clock;
  private final String scannerVersion;
  private final MeterRegistry meters;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;

  /** How long a recorded scan is not repeated while the cache has not seen its result yet. */
  static final Duration RECORDED_GRACE = Duration.ofMinutes(2);

  /** How soon a scan is tried again when no vulnerability database is loaded yet. */
  static final Duration NO_DATABASE_WAIT = Duration.ofSeconds(30);

  /** The state of one (namespace, digest): queued or running, or failed and when to retry. */
  private record Attempt(int failures, Instant notBefore, boolean pending) {}

  private final Map<ImageKey, Attempt> attempts = new ConcurrentHashMap<>();

  /**
   * @param pods the watched pod {@code (namespace, name)} (pruned), to read its pull secrets' names
   * @param leading whether this replica leads (only the leader scans)
   */
  public WorkloadScanner(
      WorkloadConfig config,
      WorkloadInventory inventory,
      ScanResultCache results,
      ReportStore store,
      ResultWriter writer,
      VulnMatcher matcher,
      PullSecrets secrets,
      BiFunction<String, String, Optional<Pod>> pods,
      BooleanSupplier leading,
      Clock clock,
      String scannerVersion,
      MeterRegistry meters) {
    this.config = config;
    this.inventory = inventory;
    this.results = results;
    this.store = store;
    this.writer = writer;
    this.matcher = matcher;
    this.secrets = secrets;
    this.pods = pods;
    this.leading = leading;
    this.clock = clock;
    this.scannerVersion = scannerVersion;
    this.meters = meters;
    this.workers =
        Executors.newFixedThreadPool(
            config.workers(), Thread.ofPlatform().daemon().name("workload-scan-", 0).factory());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("workload-scan-timer").factory());
  }

  /** Considers every image whose use changes, and every image in use each resync period. */
  public void start() {
    inventory.onChange(keys -> keys.forEach(this::consider));
    long period = config.resync().toMillis();
    timer.scheduleWithFixedDelay(this::resync, period, period, TimeUnit.MILLISECONDS);
  }

  /** Considers every image in use now. */
  public void resync() {
    try {
      inventory.images().forEach(this::consider);
    } catch (RuntimeException e) {
      LOG.warn("workload scan resync failed: {}", e.toString());
    }
  }

  /**
   * Queues a scan of {@code key} when it runs, has no ScanResult in its namespace (or only this
   * scanner's failed one, whose retry is due), and none is pending.
   */
  void consider(ImageKey key) {
    if (!leading.getAsBoolean() || !inventory.synced() || !results.synced()) {
      return;
    }
    if (inventory.running(key).isEmpty()) {
      attempts.computeIfPresent(key, (k, a) -> a.pending() ? a : null);
      return;
    }
    if (scannedIn(key.namespace(), key.digest())) {
      attempts.computeIfPresent(key, (k, a) -> a.pending() ? a : null);
      return;
    }
    Instant now = clock.instant();
    boolean[] queue = {false};
    attempts.compute(
        key,
        (k, a) -> {
          if (a == null) {
            queue[0] = true;
            return new Attempt(0, now, true);
          }
          if (a.pending() || now.isBefore(a.notBefore())) {
            return a;
          }
          queue[0] = true;
          return new Attempt(a.failures(), a.notBefore(), true);
        });
    if (queue[0]) {
      workers.execute(() -> run(key));
    }
  }

  private void run(ImageKey key) {
    Optional<Running> running = inventory.running(key);
    if (running.isEmpty() || !leading.getAsBoolean()) {
      attempts.remove(key);
      return;
    }
    if (matcher.database().isEmpty()) {
      // not the image's fault: no Error result, just a later try
      attempts.put(key, new Attempt(0, clock.instant().plus(NO_DATABASE_WAIT), false));
      timer.schedule(() -> consider(key), NO_DATABASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    try {
      scan(running.get());
      // until the result reaches the cache, later events of this image must not scan it again
      attempts.put(key, new Attempt(0, clock.instant().plus(RECORDED_GRACE), false));
      meters.counter("sekisho_workload_scans_total", "outcome", "scanned").increment();
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      Attempt failed = attempts.getOrDefault(key, new Attempt(0, clock.instant(), true));
      int failures = failed.failures() + 1;
      Duration wait = backoff(config.retry(), failures);
      attempts.put(key, new Attempt(failures, clock.instant().plus(wait), false));
      meters.counter("sekisho_workload_scans_total", "outcome", "failed").increment();
      LOG.warn(
          "cannot scan running image namespace={} digest={} image={} failures={} retryIn={}: {}",
          key.namespace(),
          key.digest(),
          running.get().image(),
          failures,
          wait,
          reason);
      try {
        writer.writeError(
            key.namespace(), name(key.digest()), labels(key), spec(running.get()), reason);
      } catch (RuntimeException w) {
        LOG.warn(
            "cannot record the failed scan namespace={} digest={}: {}",
            key.namespace(),
            key.digest(),
            w.getMessage());
      }
      timer.schedule(() -> consider(key), wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** {@code base × 2^(failures-1)}, at most {@link WorkloadConfig#MAX_RETRY}. */
  static Duration backoff(Duration base, int failures) {
    Duration d = base;
    for (int i = 1; i < failures && d.compareTo(WorkloadConfig.MAX_RETRY) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(WorkloadConfig.MAX_RETRY) > 0 ? WorkloadConfig.MAX_RETRY : d;
  }

  private void scan(Running running) throws IOException {
    ImageKey key = running.key();
    MatchingDatabase db =
        matcher
            .database()
            .orElseThrow(() -> new IOException("the vulnerability database is not loaded yet"));
    // another namespace's inventory only for an image a node pulled with this pod's credentials:
    // a digest the spec pins but no container runs may be one this namespace cannot pull
    Optional<ScanReport> known = running.pulled() ? reusable(key) : Optional.empty();
    ScanInput.Source source;
    if (known.isPresent()) {
      source = new ScanInput.Stored(known.get());
      LOG.info(
          "scanning running image from another namespace's stored inventory namespace={} digest={}",
          key.namespace(),
          key.digest());
    } else {
      source = new ScanInput.Received(pull(running));
    }
    ScanReport report =
        ScanPipeline.scan(new ScanInput(source, db, null, null, clock, scannerVersion)).report();
    ScanResult written =
        writer.write(key.namespace(), name(key.digest()), labels(key), spec(running), report);
    LOG.info(
        "recorded running image namespace={} name={} image={} packages={} vulnerabilities={}",
        key.namespace(),
        written.getMetadata().getName(),
        running.image(),
        report.packages().size(),
        report.vulnerabilities().size());
  }

  /**
   * The stored report of a result of the same digest in another namespace (the newest scan), when
   * one was scanned rather than failed.
   */
  private Optional<ScanReport> reusable(ImageKey key) throws IOException {
    List<ScanResult> others =
        results
            .list(null)
            .filter(r -> key.digest().equals(r.getSpec().getDigest()))
            .filter(r -> !key.namespace().equals(r.getMetadata().getNamespace()))
            .filter(r -> r.getSpec().getStoreKey() != null && ResultEvaluator.scanError(r) == null)
            .sorted(
                Comparator.comparing(
                    (ScanResult r) -> r.getSpec().getScannedAt(),
                    Comparator.nullsLast(Comparator.reverseOrder())))
            .toList();
    for (ScanResult r : others) {
      Optional<ScanReport> report = store.get(r.getSpec().getStoreKey());
      if (report.isPresent()) {
        return report;
      }
    }
    return Optional.empty();
  }

  /** Pulls the image by digest with the pull secrets of a pod that runs it. */
  private Inventory pull(Running running) throws IOException {
    if (running.reference() == null) {
      throw new IOException(
          "the pod status names no repository for " + running.key().digest() + "; cannot pull it");
    }
    Pod pod =
        running.pods().stream()
            .map(name -> pods.apply(running.key().namespace(), name))
            .flatMap(Optional::stream)
            .findFirst()
            .orElseThrow(() -> new IOException("no watched pod runs the image any more"));
    Path dir = Files.createTempDirectory("sekisho-workload-");
    try {
      Path credentials = secrets.write(pod, dir);
      RegistryOptions registry =
          new RegistryOptions(
              List.of(), // never the operator's own Docker config
              credentials,
              Map.of(),
              config.caBundles(),
              config.plainHttpRegistries(),
              0,
              null,
              null,
              null);
      InspectOptions options =
          InspectOptions.defaults()
              .withPlatform(Platform.DEFAULT)
              .withRegistry(registry)
              .withCacheDir(null)
              .withParallelism(1);
      return ImageScan.inventory(Target.parse("docker://" + running.reference()), options);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static ScanResultSpec spec(Running running) {
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(running.image() != null ? running.image() : running.reference());
    spec.setDigest(running.key().digest());
    ScanSource source = new ScanSource();
    source.setKind(ScanSource.KIND_WORKLOAD);
    source.setNamespace(running.key().namespace());
    source.setWorkload(new WorkloadUse(running.owner().kind(), running.owner().name(), null));
    spec.setSource(source);
    return spec;
  }

  private static Map<String, String> labels(ImageKey key) {
    return Map.of(Constants.LABEL_IMAGE_DIGEST, ResultWriter.digestLabel(key.digest()));
  }

  /** {@code workload-<12 hex of the digest>}: one result per digest and namespace. */
  public static String name(String digest) {
    return NAME_PREFIX + digest.substring("sha256:".length(), "sha256:".length() + 12);
  }

  /** Whether a ScanResult of {@code digest} in {@code namespace} holds a scan (not a failure). */
  private boolean scannedIn(String namespace, String digest) {
    return results
        .list(namespace)
        .anyMatch(
            r -> digest.equals(r.getSpec().getDigest()) && ResultEvaluator.scanError(r) == null);
  }

  /** Whether a scan of {@code key} is queued or running. */
  boolean pending(ImageKey key) {
    Attempt a = attempts.get(key);
    return a != null && a.pending();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
