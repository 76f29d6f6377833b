package dev.sekisho.operator.vulndb;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.resultspec.ReportToSpec;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a database update: matches every stored inventory again, stores the new findings and
 * updates the ScanResult's summary and findings excerpt (its spec, so a new generation), so a new
 * advisory for an image already deployed shows up without rescanning it; the ScanResult reconciler
 * then decides the new generation. One result at a time, streamed from the store, so memory stays
 * bounded. Which results exist comes from the ScanResult controller's cache.
 *
 * <p>It also collects what a crash or a deleted ScanResult leaves in the store: a stored report
 * whose ScanResult does not exist (an operator killed between storing a report and writing its
 * ScanResult, whose step did not retry; a ScanResult deleted by hand or by the retention when the
 * operator was killed before deleting the report too) and the temporary file of a report write that
 * a kill interrupted. Only when older than {@link #ORPHAN_GRACE}: a submission stores its report a
 * moment before it creates the ScanResult, and the cache sees the ScanResult a moment after that,
 * so a young report without a ScanResult is most likely a submission in flight.
 */
public final class Rematcher {
  private static final Logger LOG = LoggerFactory.getLogger(Rematcher.class);

  /**
   * Counts of one pass.
   *
   * @param rematched results matched again
   * @param changed results whose findings changed
   * @param removed stored reports deleted because their ScanResult is gone
   * @param failed results that could not be processed (logged)
   */
  public record Pass(int rematched, int changed, int removed, int failed) {}

  private final KubernetesClient client;
  private final ReportStore store;
  private final VulnMatcher matcher;
  private final ScanResultCache results;
  private final Clock clock = Clock.systemUTC();

  /**
   * How old a stored report without a ScanResult (or an unfinished write) must be before it is
   * deleted: far longer than a submission takes from storing its report to its ScanResult being
   * cached (milliseconds, or the API client's retries of the create: seconds).
   */
  static final Duration ORPHAN_GRACE = Duration.ofMinutes(10);

  public Rematcher(
      KubernetesClient client, ReportStore store, VulnMatcher matcher, ScanResultCache results) {
    this.client = client;
    this.store = store;
    this.matcher = matcher;
    this.results = results;
  }

  public Pass run() throws IOException {
    MatchingDatabase db =
        matcher.database().orElseThrow(() -> new IllegalStateException("no database loaded"));
    int rematched = 0;
    int changed = 0;
    int removed = 0;
    int failed = 0;
    // a cache that has not listed every result yet cannot tell a deleted result from an unseen one
    boolean synced = results.synced();
    Instant orphanedBefore = clock.instant().minus(ORPHAN_GRACE);
    for (String key : store.keys()) {
      String[] parts = key.split("/", 2);
      try {
        if (synced && results.get(key) == null) {
          Optional<Instant> written = store.modified(key);
          if (written.isPresent() && written.get().isBefore(orphanedBefore)) {
            store.delete(key);
            removed++;
            LOG.info("deleted a stored report without a ScanResult key={}", key);
          }
          continue;
        }
        Optional<ScanReport> stored = store.get(key);
        if (stored.isEmpty()) {
          continue;
        }
        ScanReport old = stored.get();
        // the one scan function, fed the stored report's inventory
        ScanReport now =
            ScanPipeline.scan(new ScanInput(new ScanInput.Stored(old), db, null, null, clock, null))
                .report();
        rematched++;
        if (now.equals(old)) {
          continue;
        }
        boolean findingsChanged = !now.vulnerabilities().equals(old.vulnerabilities());
        store.put(key, now);
        client
            .resources(ScanResult.class)
            .inNamespace(parts[0])
            .withName(parts[1])
            .edit(
                r -> {
                  ReportToSpec.fill(r.getSpec(), now);
                  return r;
                });
        changed += findingsChanged ? 1 : 0;
      } catch (IOException | KubernetesClientException | IllegalStateException e) {
        failed++;
        LOG.warn("cannot re-match stored report key={}: {}", key, e.getMessage());
      }
    }
    try {
      int unfinished = store.removeInterruptedWrites(orphanedBefore);
      if (unfinished > 0) {
        LOG.info("deleted the temporary files of interrupted report writes count={}", unfinished);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete the temporary files of interrupted report writes: {}", e.toString());
    }
    Pass pass = new Pass(rematched, changed, removed, failed);
    LOG.info(
        "re-matched stored inventories database={} rematched={} changed={} removed={} failed={}",
        db.version(),
        pass.rematched(),
        pass.changed(),
        pass.removed(),
        pass.failed());
    return pass;
  }
}
