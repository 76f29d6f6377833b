package dev.sekisho.operator.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.operator.reconcile.ScanResultCache;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** After a database refresh the results of images in use are re-matched first. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RematcherOrderTest {
  private final ScanResultCache results = new ScanResultCache();

  private void result(String ns, String name, boolean inUse) {
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    ScanResultStatus status = new ScanResultStatus();
    if (inUse) {
      InUse in = new InUse();
      in.setPods(1);
      status.setInUse(in);
    }
    r.setStatus(status);
    results.put(results.getKey(r), r);
  }

  @Test
  void resultsInUseComeFirstEachPartInStoreOrder() {
    result("a", "idle-1", false);
    result("a", "running-1", true);
    result("b", "idle-2", false);
    result("b", "running-2", true);
    List<String> keys = List.of("a/idle-1", "a/running-1", "b/gone", "b/idle-2", "b/running-2");

    assertThat(Rematcher.inUseFirst(keys, results))
        .containsExactly("a/running-1", "b/running-2", "a/idle-1", "b/gone", "b/idle-2");
  }
}
