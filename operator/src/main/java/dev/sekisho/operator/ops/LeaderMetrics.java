package dev.sekisho.operator.ops;

import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.operator.reconcile.ScanResultCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster-wide gauges, exported by the leader only: ScanResults by verdict ({@code
 * sekisho_scanresults{verdict}}) and violations ({@code sekisho_violations}), read from the
 * ScanResult cache. JOSDK keeps the informers of every replica warm, so each replica could count;
 * exporting them from the leader only makes a sum over replicas the cluster's count. Every replica
 * exports {@code sekisho_leader} (1 on the leader).
 */
public final class LeaderMetrics {
  private final MeterRegistry meters;
  private final ScanResultCache cache;
  private final AtomicInteger leader = new AtomicInteger();
  private final List<Meter> registered = new ArrayList<>();

  public LeaderMetrics(MeterRegistry meters, ScanResultCache cache) {
    this.meters = meters;
    this.cache = cache;
    Gauge.builder("sekisho_leader", leader, AtomicInteger::get)
        .description("1 on the replica that leads (reconciles and exports the result gauges)")
        .register(meters);
  }

  /** This replica leads: export the result gauges. */
  public synchronized void startLeading() {
    leader.set(1);
    if (!registered.isEmpty()) {
      return;
    }
    for (Verdict v : Verdict.values()) {
      registered.add(
          Gauge.builder("sekisho_scanresults", cache, c -> c.count(v))
              .description("ScanResults by their current verdict (leader only)")
              .tag("verdict", v.name())
              .register(meters));
    }
    registered.add(
        Gauge.builder("sekisho_violations", cache, ScanResultCache::violations)
            .description("Violations over all ScanResults (leader only)")
            .register(meters));
  }

  /** Whether this replica leads now. */
  public boolean leading() {
    return leader.get() == 1;
  }

  /** This replica no longer leads: stop exporting them. */
  public synchronized void stopLeading() {
    leader.set(0);
    registered.forEach(meters::remove);
    registered.clear();
  }
}
