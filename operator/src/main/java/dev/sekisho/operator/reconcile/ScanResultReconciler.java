package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.evaluate.PolicyLookup;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.gate.GateOutcome;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Evaluates each ScanResult against the policies that select it and keeps its status current.
 *
 * <p>Secondary event sources: ScanPolicy changes map to every ScanResult of the policy's namespace,
 * ClusterScanPolicy changes to every ScanResult, and Namespace label changes to the ScanResults of
 * that namespace. Mapping to the whole scope (not only to the results the new spec selects) is what
 * makes an edit that narrows a selector re-evaluate the results it no longer selects. The policy
 * and namespace informers double as the policy lookup, so a reconciliation makes no API calls
 * unless the status must change.
 */
@ControllerConfiguration(name = ScanResultReconciler.NAME)
public final class ScanResultReconciler implements Reconciler<ScanResult> {
  public static final String NAME = "scanresult";

  /** Requeue slightly after the instant itself so the evaluation sees the change. */
  private static final Duration MARGIN = Duration.ofMillis(250);

  /** How soon a result whose PipelineRun could not be stopped is evaluated again. */
  static final Duration GATE_RETRY = Duration.ofSeconds(30);

  private final ResultEvaluator evaluator;
  private final Clock clock;
  private final Timer timer;
  private InformerEventSource<ScanPolicy, ScanResult> scanPolicies;
  private InformerEventSource<ClusterScanPolicy, ScanResult> clusterPolicies;
  private InformerEventSource<Namespace, ScanResult> namespaces;

  private final ScanResultCache cache;

  /**
   * @param cache the store of this controller's informer (register with {@code o ->
   *     o.withItemStore(cache)}), shared with the policy controllers and the metrics
   */
  public ScanResultReconciler(
      ResultEvaluator evaluator, Clock clock, MeterRegistry meters, ScanResultCache cache) {
    this.evaluator = evaluator;
    this.cache = cache;
    this.clock = clock;
    this.timer =
        Timer.builder("sekisho_reconcile_seconds")
            .tag("controller", NAME)
            .publishPercentileHistogram()
            .register(meters);
  }

  @Override
  public List<EventSource<?, ScanResult>> prepareEventSources(
      EventSourceContext<ScanResult> context) {
    IndexerResourceCache<ScanResult> results = context.getPrimaryCache();
    cache.attach(results);
    scanPolicies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ScanPolicy.class, ScanResult.class)
                .withName("scanpolicies")
                .withSecondaryToPrimaryMapper(
                    p -> ids(results.list(p.getMetadata().getNamespace())))
                .build(),
            context);
    clusterPolicies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ClusterScanPolicy.class, ScanResult.class)
                .withName("clusterscanpolicies")
                .withSecondaryToPrimaryMapper(p -> ids(results.list()))
                .build(),
            context);
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, ScanResult.class)
                .withName("namespaces")
                .withOnUpdateFilter(
                    (n, old) ->
                        !java.util.Objects.equals(
                            n.getMetadata().getLabels(), old.getMetadata().getLabels()))
                .withOnAddFilter(n -> false)
                .withSecondaryToPrimaryMapper(n -> ids(results.list(n.getMetadata().getName())))
                .build(),
            context);
    return List.of(scanPolicies, clusterPolicies, namespaces);
  }

  private static Set<ResourceID> ids(Stream<? extends HasMetadata> resources) {
    return resources.map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<ScanResult> reconcile(ScanResult result, Context<ScanResult> context) {
    Timer.Sample sample = Timer.start();
    try {
      ResultEvaluator.Evaluated evaluated = evaluator.evaluate(result, cachedLookup());
      UpdateControl<ScanResult> control = UpdateControl.noUpdate();
      Instant next = evaluated.decision().nextEvaluation();
      if (next != null) {
        Duration wait = Duration.between(clock.instant(), next).plus(MARGIN);
        control.rescheduleAfter(wait.isNegative() ? MARGIN : wait);
      }
      if (gateFailed(evaluated) && evaluated.decision().failsEnforce()) {
        // the run could not be stopped: try again (a fixed RBAC rule, a transient error), while
        // the verdict still fails an Enforce policy
        long wait =
            control
                .getScheduleDelay()
                .map(d -> Math.min(d, GATE_RETRY.toMillis()))
                .orElse(GATE_RETRY.toMillis());
        control.rescheduleAfter(wait);
      }
      return control;
    } finally {
      sample.stop(timer);
    }
  }

  private static boolean gateFailed(ResultEvaluator.Evaluated evaluated) {
    return evaluated.status() != null
        && evaluated.status().getConditions().stream()
            .anyMatch(
                c ->
                    Constants.CONDITION_PIPELINE_RUN_STOPPED.equals(c.getType())
                        && GateOutcome.FAILED.equals(c.getReason()));
  }

  private PolicyLookup cachedLookup() {
    return new PolicyLookup() {
      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return namespaces
            .get(new ResourceID(namespace))
            .map(n -> n.getMetadata().getLabels())
            .orElse(Map.of());
      }

      @Override
      public Collection<ScanPolicy> scanPolicies(String namespace) {
        return scanPolicies.list(namespace, p -> true).toList();
      }

      @Override
      public Collection<ClusterScanPolicy> clusterScanPolicies() {
        return clusterPolicies.list(p -> true).toList();
      }
    };
  }
}
