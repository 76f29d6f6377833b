package dev.sekisho.operator.testing;

import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.reconcile.ScanResultReconciler;
import dev.sekisho.operator.store.ReportStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The ScanResult reconciler alone, as the operator registers it, for tests of the scan API: the API
 * writes a ScanResult's spec and waits on {@code results} for the decision this reconciler writes.
 */
public final class DecidingReconciler {
  private DecidingReconciler() {}

  /**
   * Starts a JOSDK operator running only the ScanResult reconciler with {@code client}; the caller
   * stops it.
   *
   * @param component the Events' reporting component
   */
  public static Operator start(
      KubernetesClient client,
      ReportStore store,
      ScanResultCache results,
      Clock clock,
      MeterRegistry meters,
      String component) {
    Operator operator =
        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(
        new ScanResultReconciler(
            new ResultEvaluator(store),
            new PipelineRunGate(client),
            new EventRecorder(client, component, clock),
            clock,
            meters,
            results),
        o -> o.withItemStore(results));
    operator.start();
    return operator;
  }
}
