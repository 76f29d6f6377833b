package dev.sekisho.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the scan API learns from the cache that the reconciler decided a generation it wrote. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ScanResultCacheTest {
  private final ScanResultCache cache = new ScanResultCache();

  private static ScanResult result(String uid, long generation, Long observed, Verdict verdict) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("build-1-0123456789ab")
            .withUid(uid)
            .withGeneration(generation)
            .build());
    if (observed != null) {
      ScanResultStatus s = new ScanResultStatus();
      s.setObservedGeneration(observed);
      s.setVerdict(verdict);
      r.setStatus(s);
    }
    return r;
  }

  private void put(ScanResult r) {
    cache.put(cache.getKey(r), r);
  }

  @Test
  void completesOnlyOnceTheStatusDescribesTheWrittenGeneration() throws Exception {
    ScanResult written = result("u1", 2, 1L, Verdict.Pass);
    put(written);
    CompletableFuture<ScanResult> decided = cache.decided(written);
    assertThat(decided).as("the status still describes generation 1").isNotDone();

    put(result("u1", 2, null, null));
    assertThat(decided).isNotDone();
    put(result("u1", 2, 2L, Verdict.Fail));

    assertThat(decided.get().getStatus().getVerdict()).isEqualTo(Verdict.Fail);
  }

  @Test
  void aStatusAlreadyDecidedBeforeTheWaitCompletesAtOnce() throws Exception {
    put(result("u1", 3, 3L, Verdict.Warn));

    CompletableFuture<ScanResult> decided = cache.decided(result("u1", 3, null, null));

    assertThat(decided.get().getStatus().getVerdict()).isEqualTo(Verdict.Warn);
  }

  @Test
  void aLaterGenerationFromAConcurrentSubmissionCounts() throws Exception {
    CompletableFuture<ScanResult> decided = cache.decided(result("u1", 4, null, null));

    put(result("u1", 5, 5L, Verdict.Fail));

    assertThat(decided.get().getMetadata().getGeneration()).isEqualTo(5);
  }

  @Test
  void aDeletedOrRecreatedResultFailsTheWait() {
    ScanResult written = result("u1", 1, null, null);
    put(written);
    CompletableFuture<ScanResult> deleted = cache.decided(written);
    cache.remove(cache.getKey(written));
    assertThatThrownBy(deleted::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(NoSuchElementException.class);

    CompletableFuture<ScanResult> recreated = cache.decided(written);
    put(result("u2", 1, 1L, Verdict.Pass));
    assertThatThrownBy(recreated::get).hasCauseInstanceOf(NoSuchElementException.class);
  }

  @Test
  void aWaiterThatGaveUpIsForgotten() {
    ScanResult written = result("u1", 1, null, null);
    CompletableFuture<ScanResult> decided = cache.decided(written);

    cache.stopWaiting(written, decided);
    put(result("u1", 1, 1L, Verdict.Pass));

    assertThat(decided).isNotDone();
  }
}
