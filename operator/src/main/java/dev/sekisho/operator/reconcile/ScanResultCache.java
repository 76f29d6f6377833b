package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.image.oci.ImageReference;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The operator's one cache of ScanResults: the item store of the ScanResult controller's informer
 * (JOSDK's primary cache), shared with the policy status controllers and the metrics instead of
 * each holding its own informer.
 *
 * <p>As the store the informer writes to, it sees every add, update and delete, so it (1) tells the
 * ScanPolicy and ClusterScanPolicy controllers when a result's per-policy outcomes change or the
 * result goes away (their counts), and (2) keeps the number of results per verdict and the sum of
 * violations for the gauges (exported by the leader only, see {@code LeaderMetrics}), and (3) tells
 * the scan API when the status of a result it wrote has been decided ({@link #decided}). JOSDK runs
 * this informer on every replica, so a follower's scan API sees the leader's decision.
 */
public final class ScanResultCache implements ItemStore<ScanResult> {
  /** A policy a result's status names. */
  public record PolicyRef(String kind, ResourceID id) {}

  private final BasicItemStore<ScanResult> items =
      new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
  private long violations;
  private final List<Consumer<PolicyRef>> listeners = new CopyOnWriteArrayList<>();
  private volatile IndexerResourceCache<ScanResult> indexed;

  // --- the informer's store ------------------------------------------------------------------

  @Override
  public String getKey(ScanResult obj) {
    return items.getKey(obj);
  }

  @Override
  public ScanResult put(String key, ScanResult obj) {
    ScanResult old = items.put(key, obj);
    account(old, -1);
    account(obj, +1);
    notifyChanged(old == null ? null : old.getStatus(), obj.getStatus());
    settle(key, obj);
    return old;
  }

  @Override
  public ScanResult remove(String key) {
    ScanResult old = items.remove(key);
    if (old != null) {
      account(old, -1);
      notifyChanged(old.getStatus(), null);
      settle(key, null);
    }
    return old;
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<ScanResult> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public ScanResult get(String key) {
    return items.get(key);
  }

  // --- counts ---------------------------------------------------------------------------------

  private synchronized void account(ScanResult r, int sign) {
    if (r == null || r.getStatus() == null) {
      return;
    }
    ScanResultStatus s = r.getStatus();
    if (s.getVerdict() != null) {
      verdicts.merge(s.getVerdict(), (long) sign, Long::sum);
    }
    if (s.getViolationCount() != null) {
      violations += sign * (long) s.getViolationCount();
    }
  }

  /** How many cached results have {@code verdict}. */
  public synchronized long count(Verdict verdict) {
    return verdicts.getOrDefault(verdict, 0L);
  }

  /** The violations of every cached result. */
  public synchronized long violations() {
    return violations;
  }

  // --- policy outcomes ------------------------------------------------------------------------

  /** Calls {@code listener} with each policy whose outcome on some result changed. */
  public void onPolicyOutcomeChange(Consumer<PolicyRef> listener) {
    listeners.add(listener);
  }

  private void notifyChanged(ScanResultStatus before, ScanResultStatus after) {
    Map<PolicyRef, Verdict> a = outcomes(before);
    Map<PolicyRef, Verdict> b = outcomes(after);
    if (a.equals(b)) {
      return;
    }
    Set<PolicyRef> changed = new HashSet<>(a.keySet());
    changed.addAll(b.keySet());
    changed.removeIf(p -> a.containsKey(p) && b.containsKey(p) && a.get(p) == b.get(p));
    for (PolicyRef p : changed) {
      listeners.forEach(l -> l.accept(p));
    }
  }

  private static Map<PolicyRef, Verdict> outcomes(ScanResultStatus s) {
    Map<PolicyRef, Verdict> out = new HashMap<>();
    if (s != null && s.getPolicies() != null) {
      for (PolicyOutcome o : s.getPolicies()) {
        out.put(
            new PolicyRef(o.getKind(), new ResourceID(o.getName(), o.getNamespace())),
            o.getVerdict());
      }
    }
    return out;
  }

  // --- waiting for a decision ----------------------------------------------------------------

  /** Someone waiting for the status of one ScanResult (by UID) at a generation or later. */
  private record Waiter(String uid, long generation, CompletableFuture<ScanResult> decided) {}

  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();

  /**
   * Completes with the ScanResult as this cache sees it once its status describes {@code written}'s
   * generation or a later one (the ScanResult reconciler, on whichever replica leads, decided it);
   * completes exceptionally with {@link NoSuchElementException} when it is deleted first. The
   * caller bounds the wait ({@link CompletableFuture#get(long, java.util.concurrent.TimeUnit)}) and
   * then calls {@link #stopWaiting}. A later generation counts: a concurrent submission for the
   * same result superseded this one, and its status is the result's.
   */
  public CompletableFuture<ScanResult> decided(ScanResult written) {
    String key = items.getKey(written);
    Waiter w =
        new Waiter(
            written.getMetadata().getUid(),
            written.getMetadata().getGeneration(),
            new CompletableFuture<>());
    waiters.compute(
        key,
        (k, list) -> {
          List<Waiter> out = list == null ? new ArrayList<>() : list;
          out.add(w);
          return out;
        });
    ScanResult now = items.get(key); // it may have been decided before the waiter was added
    if (now != null) {
      settle(key, now);
    }
    return w.decided();
  }

  /** Forgets the waits on {@code future} (after a timeout). */
  public void stopWaiting(ScanResult written, CompletableFuture<ScanResult> future) {
    waiters.computeIfPresent(
        items.getKey(written),
        (k, list) -> {
          list.removeIf(w -> w.decided() == future);
          return list.isEmpty() ? null : list;
        });
  }

  private void settle(String key, ScanResult now) {
    waiters.computeIfPresent(
        key,
        (k, list) -> {
          list.removeIf(w -> settled(w, now));
          return list.isEmpty() ? null : list;
        });
  }

  private static boolean settled(Waiter w, ScanResult now) {
    if (now == null || !w.uid().equals(now.getMetadata().getUid())) {
      return w.decided()
          .completeExceptionally(
              new NoSuchElementException("the ScanResult was deleted before it was decided"));
    }
    Long observed = now.getStatus() == null ? null : now.getStatus().getObservedGeneration();
    return observed != null && observed >= w.generation() && w.decided().complete(now);
  }

  // --- reading --------------------------------------------------------------------------------

  /** Index of the cache: results by {@code spec.digest}. */
  static final String BY_DIGEST = "sekisho-digest";

  /** Index of the cache: results by the tagged reference they scanned ({@link #tagOf}). */
  static final String BY_TAG = "sekisho-tag";

  /**
   * Attaches the controller's cache (indexed by namespace) over this store, adding the indexes the
   * admission webhook reads: by digest and by tagged reference.
   */
  void attach(IndexerResourceCache<ScanResult> cache) {
    cache.addIndexers(
        Map.of(
            BY_DIGEST,
            r ->
                r.getSpec() == null || r.getSpec().getDigest() == null
                    ? List.of()
                    : List.of(r.getSpec().getDigest()),
            BY_TAG,
            r -> {
              String tag = r.getSpec() == null ? null : tagOf(r.getSpec().getImage());
              return tag == null ? List.of() : List.of(tag);
            }));
    this.indexed = Objects.requireNonNull(cache);
  }

  /**
   * The normalised tagged reference of {@code image} ({@code docker.io/library/nginx:1.27}, digest
   * dropped, {@code latest} when neither tag nor digest is given), or null when it names no tag or
   * cannot be read: the key under which a tag is resolved to the digests scanned for it.
   */
  public static String tagOf(String image) {
    if (image == null || image.isBlank()) {
      return null;
    }
    try {
      ImageReference ref = ImageReference.parseLenient(image.trim());
      String tag = ref.effectiveTag();
      return tag == null ? null : ref.name() + ":" + tag;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The cached results whose {@code spec.digest} is {@code digest}, in every namespace. */
  public List<ScanResult> byDigest(String digest) {
    IndexerResourceCache<ScanResult> c = indexed;
    return c == null ? List.of() : c.byIndex(BY_DIGEST, digest);
  }

  /**
   * The cached results whose scanned image is the tagged reference {@code tag} (normalised by
   * {@link #tagOf}), in every namespace.
   */
  public List<ScanResult> byTag(String tag) {
    IndexerResourceCache<ScanResult> c = indexed;
    return c == null ? List.of() : c.byIndex(BY_TAG, tag);
  }

  /** Whether the informer has listed every ScanResult (counts are complete). */
  public boolean synced() {
    IndexerResourceCache<ScanResult> c = indexed;
    return c instanceof InformerWrappingEventSourceHealthIndicator<?> h
        && !h.informerHealthIndicators().isEmpty()
        && h.informerHealthIndicators().values().stream()
            .allMatch(InformerHealthIndicator::hasSynced);
  }

  /** The cached results in {@code namespace}, or in every namespace when it is null. */
  public Stream<ScanResult> list(String namespace) {
    IndexerResourceCache<ScanResult> c = indexed;
    if (c == null) {
      return Stream.empty();
    }
    return namespace == null ? c.list() : c.list(namespace);
  }
}
