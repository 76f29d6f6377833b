package dev.sekisho.operator.reconcile;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.operator.CrashPoint;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.GateOutcome;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.workload.Owner;
import dev.sekisho.operator.workload.WorkloadInventory;
import dev.sekisho.scanner.policy.NamedPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each ScanResult: selects the policies that apply to it (from this controller's policy and
 * namespace informers), evaluates them with the pure {@link ResultEvaluator}, lets the {@link
 * PipelineRunGate} act on a Fail under an Enforce policy, writes the status when it changed and
 * emits an Event when the verdict changed. It is the only writer of ScanResult status: the scan API
 * and the re-matcher write the spec and wait for (or leave) the decision to this reconciler, and
 * JOSDK runs one reconciliation per result at a time, so no lock is needed.
 *
 * <p>Secondary event sources: ScanPolicy changes map to every ScanResult of the policy's namespace,
 * ClusterScanPolicy changes to every ScanResult, and Namespace label changes to the ScanResults of
 * that namespace. Mapping to the whole scope (not only to the results the new spec selects) is what
 * makes an edit that narrows a selector re-evaluate the results it no longer selects. The policy
 * and namespace informers double as the policy lookup, so a reconciliation makes no API calls
 * unless the status must change or a PipelineRun must be stopped.
 *
 * <p>Images in use: with a {@link WorkloadInventory} (the operator's watch of pods), a change of
 * where a digest runs in a namespace maps to the ScanResults of that digest in that namespace (an
 * index of the primary cache); the reconciler writes {@code status.inUse} and the label {@link
 * Constants#LABEL_IN_USE} ({@code true} while in use, removed after), and when the verdict of a
 * result in use turns to Fail it emits a {@code RunningImageFails} Event on the result and on each
 * owning workload.
 */
@ControllerConfiguration(name = ScanResultReconciler.NAME)
public final class ScanResultReconciler implements Reconciler<ScanResult> {
  public static final String NAME = "scanresult";

  /** Requeue slightly after the instant itself so the evaluation sees the change. */
  private static final Duration MARGIN = Duration.ofMillis(250);

  /**
   * Index of the primary cache: {@code namespace/digest} of each result. Its name differs from the
   * admission webhook's {@code sekisho-digest} index ({@link ScanResultCache}, bare digests): the
   * cache keeps one index per name, so sharing it made the webhook find no result for any digest
   * whenever images in use were on.
   */
  static final String DIGEST_INDEX = "sekisho-namespace-digest";

  /** Workloads told about a running image that turned to Fail at most, per transition. */
  static final int MAX_OWNER_EVENTS = 10;

  /** How soon a result whose PipelineRun could not be stopped is evaluated again. */
  static final Duration GATE_RETRY = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ScanResultReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final ResultEvaluator evaluator;
  private final PipelineRunGate gate;
  private final EventRecorder events;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Timer timer;
  private InformerEventSource<ScanPolicy, ScanResult> scanPolicies;
  private InformerEventSource<ClusterScanPolicy, ScanResult> clusterPolicies;
  private InformerEventSource<Namespace, ScanResult> namespaces;

  private final ScanResultCache cache;
  private final WorkloadInventory inventory;

  /**
   * @param cache the store of this controller's informer (register with {@code o ->
   *     o.withItemStore(cache)}), shared with the policy controllers and the metrics
   */
  public ScanResultReconciler(
      ResultEvaluator evaluator,
      PipelineRunGate gate,
      EventRecorder events,
      Clock clock,
      MeterRegistry meters,
      ScanResultCache cache) {
    this(evaluator, gate, events, clock, meters, cache, null);
  }

  /**
   * @param inventory where images run (the operator's pod watch), or null when pods are not watched
   *     (no {@code status.inUse} is written then)
   */
  public ScanResultReconciler(
      ResultEvaluator evaluator,
      PipelineRunGate gate,
      EventRecorder events,
      Clock clock,
      MeterRegistry meters,
      ScanResultCache cache,
      WorkloadInventory inventory) {
    this.inventory = inventory;
    this.evaluator = evaluator;
    this.gate = gate;
    this.events = events;
    this.meters = meters;
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
    if (inventory == null) {
      return List.of(scanPolicies, clusterPolicies, namespaces);
    }
    results.addIndexer(DIGEST_INDEX, r -> List.of(digestKey(r)));
    SimpleInboundEventSource<ScanResult> workloads = new SimpleInboundEventSource<>("workloads");
    inventory.onChange(
        keys -> {
          for (WorkloadInventory.ImageKey k : keys) {
            results
                .byIndex(DIGEST_INDEX, k.namespace() + "/" + k.digest())
                .forEach(r -> workloads.propagateEvent(ResourceID.fromResource(r)));
          }
        });
    return List.of(scanPolicies, clusterPolicies, namespaces, workloads);
  }

  private static String digestKey(ScanResult r) {
    return r.getMetadata().getNamespace() + "/" + r.getSpec().getDigest();
  }

  /**
   * The labels of {@code namespace} from this controller's namespace cache (empty when unknown):
   * with {@link #scanPolicies} and {@link #clusterPolicies}, what the admission webhook reads.
   */
  public Map<String, String> namespaceLabels(String namespace) {
    var source = namespaces;
    return source == null
        ? Map.of()
        : source
            .get(new ResourceID(namespace))
            .map(n -> n.getMetadata().getLabels())
            .orElse(Map.of());
  }

  /** The cached ScanPolicies of {@code namespace}. */
  public List<ScanPolicy> scanPolicies(String namespace) {
    var source = scanPolicies;
    return source == null ? List.of() : source.list(namespace, p -> true).toList();
  }

  /** Every cached ClusterScanPolicy. */
  public List<ClusterScanPolicy> clusterPolicies() {
    var source = clusterPolicies;
    return source == null ? List.of() : source.list(p -> true).toList();
  }

  /** Whether the policy and namespace informers have listed everything. */
  public boolean policiesSynced() {
    return Stream.of(scanPolicies, clusterPolicies, namespaces)
        .allMatch(
            s ->
                s != null
                    && !s.informerHealthIndicators().isEmpty()
                    && s.informerHealthIndicators().values().stream().allMatch(h -> h.hasSynced()));
  }

  private static Set<ResourceID> ids(Stream<? extends HasMetadata> resources) {
    return resources.map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<ScanResult> reconcile(ScanResult result, Context<ScanResult> context) {
    Timer.Sample sample = Timer.start();
    try {
      Instant now = clock.instant();
      String namespace = result.getMetadata().getNamespace();
      List<NamedPolicy> policies =
          PolicyScope.select(
              result,
              namespaces
                  .get(new ResourceID(namespace))
                  .map(n -> n.getMetadata().getLabels())
                  .orElse(Map.of()),
              scanPolicies.list(namespace, p -> true).toList(),
              clusterPolicies.list(p -> true).toList());
      ResultEvaluator.Outcome outcome = evaluator.evaluate(result, policies, now);
      ScanResultStatus next = ResultEvaluator.statusFor(result, outcome, now);
      next.setInUse(inUse(result));
      if (ResultEvaluator.needsGate(result, outcome)) {
        applyGate(result, next, now);
      }
      if (!ResultEvaluator.sameStatus(result.getStatus(), next)) {
        writeStatus(result, next, context);
      }
      // after the status: its write tests the resourceVersion this reconciliation read
      labelInUse(result, next.getInUse() != null, context);
      UpdateControl<ScanResult> control = UpdateControl.noUpdate();
      Instant again = outcome.evaluation().nextEvaluation();
      if (again != null) {
        Duration wait = Duration.between(clock.instant(), again).plus(MARGIN);
        control.rescheduleAfter(wait.isNegative() ? MARGIN : wait);
      }
      if (gateFailed(next) && outcome.failsEnforce()) {
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

  /**
   * Where the result's digest runs in its namespace; while the pod watch has not listed every pod,
   * what the status says already (so a restart does not clear and re-set it).
   */
  private InUse inUse(ScanResult result) {
    if (inventory == null || result.getSpec().getDigest() == null) {
      return null;
    }
    if (!inventory.synced()) {
      return result.getStatus() == null ? null : result.getStatus().getInUse();
    }
    return inventory
        .inUse(result.getMetadata().getNamespace(), result.getSpec().getDigest())
        .orElse(null);
  }

  /**
   * Sets or removes the label {@link Constants#LABEL_IN_USE} (a merge patch of the labels only, so
   * the generation does not change and nothing else is overwritten) when it differs from {@code
   * inUse}.
   */
  private void labelInUse(ScanResult result, boolean inUse, Context<ScanResult> context) {
    if (inventory == null) {
      return;
    }
    Map<String, String> labels = result.getMetadata().getLabels();
    boolean labelled = labels != null && "true".equals(labels.get(Constants.LABEL_IN_USE));
    if (labelled == inUse) {
      return;
    }
    context
        .getClient()
        .resources(ScanResult.class)
        .inNamespace(result.getMetadata().getNamespace())
        .withName(result.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"labels\":{\""
                + Constants.LABEL_IN_USE
                + "\":"
                + (inUse ? "\"true\"" : "null")
                + "}}}");
  }

  /**
   * Writes the status with JOSDK's {@link PrimaryUpdateAndCacheUtils}, then emits the Event and
   * counts the verdict change. The write is a JSON patch of the status subresource that tests the
   * resourceVersion the status was computed on (a conflict makes JOSDK re-apply it to the newer
   * object) and replaces the whole status, so no field of the old one survives; JOSDK keeps the
   * response as the result the next reconciliation sees, so one that starts before the informer has
   * seen this write neither writes nor emits twice. (fabric8's diff-based {@code editStatus} cannot
   * write a first status: a ScanResult always deserialises with an empty status object.)
   */
  private void writeStatus(ScanResult result, ScanResultStatus next, Context<ScanResult> context) {
    Verdict before = result.getStatus() == null ? null : result.getStatus().getVerdict();
    if (before == null) {
      CrashPoint.STATUS_WRITE.reach();
    }
    PrimaryUpdateAndCacheUtils.updateAndCacheResource(
        result,
        context,
        UnaryOperator.identity(),
        r ->
            context
                .getClient()
                .resource(r)
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON),
                    SERIALIZATION.asJson(
                        List.of(
                            Map.of(
                                "op",
                                "test",
                                "path",
                                "/metadata/resourceVersion",
                                "value",
                                r.getMetadata().getResourceVersion()),
                            Map.of("op", "add", "path", "/status", "value", next)))));
    if (before == null) {
      CrashPoint.AFTER_STATUS_WRITE.reach();
    }
    String namespace = result.getMetadata().getNamespace();
    String name = result.getMetadata().getName();
    LOG.info(
        "status written namespace={} name={} verdict={} violations={} policy={}",
        namespace,
        name,
        next.getVerdict(),
        next.getViolationCount(),
        next.getDecidingPolicy());
    if (before != next.getVerdict()) {
      meters
          .counter("sekisho_verdict_changes_total", "verdict", next.getVerdict().name())
          .increment();
      events.record(
          result,
          next.getVerdict() == Verdict.Pass
              ? EventRecorder.Type.Normal
              : EventRecorder.Type.Warning,
          "Verdict" + next.getVerdict(),
          "Evaluate",
          "verdict "
              + next.getVerdict()
              + (before == null ? "" : " (was " + before + ")")
              + (next.getDecidingPolicy() == null ? "" : ", decided by " + next.getDecidingPolicy())
              + ", "
              + next.getViolationCount()
              + " violation(s)");
      if (next.getVerdict() == Verdict.Fail && next.getInUse() != null) {
        runningImageFails(result, next);
      }
    }
  }

  /**
   * A running image's verdict turned to Fail: a Warning Event on the result and on each workload
   * that runs it (the first {@link #MAX_OWNER_EVENTS}), where {@code kubectl describe deployment}
   * and event alerting see it.
   */
  private void runningImageFails(ScanResult result, ScanResultStatus next) {
    String namespace = result.getMetadata().getNamespace();
    String image = result.getSpec().getImage();
    InUse in = next.getInUse();
    String why =
        (next.getDecidingPolicy() == null ? "" : " under policy " + next.getDecidingPolicy())
            + " with "
            + next.getViolationCount()
            + " violation(s)";
    meters.counter("sekisho_running_image_failures_total").increment();
    events.record(
        result,
        EventRecorder.Type.Warning,
        "RunningImageFails",
        "Evaluate",
        "image "
            + image
            + " now fails"
            + why
            + "; it runs in "
            + in.getPods()
            + " pod(s) of "
            + in.getWorkloadCount()
            + " workload(s)");
    List<Owner> owners = new ArrayList<>(inventory.owners(namespace, result.getSpec().getDigest()));
    for (Owner owner : owners.subList(0, Math.min(owners.size(), MAX_OWNER_EVENTS))) {
      events.record(
          owner.reference(),
          EventRecorder.Type.Warning,
          "RunningImageFails",
          "Evaluate",
          "image "
              + image
              + " (ScanResult "
              + result.getMetadata().getName()
              + ") now fails"
              + why);
    }
  }

  /** The gate acts on the decided status: stops the run and records what it did in {@code next}. */
  private void applyGate(ScanResult result, ScanResultStatus next, Instant now) {
    String run = result.getSpec().getSource().getPipelineRun();
    GateOutcome outcome;
    try {
      outcome = gate.stop(result);
    } catch (KubernetesClientException e) {
      // The verdict stands whatever the gate could do: it is written (and answered to the step)
      // with the reason the run was not stopped, and the gate is tried again.
      LOG.warn(
          "cannot stop pipelinerun namespace={} name={} result={}: {}",
          result.getMetadata().getNamespace(),
          run,
          result.getMetadata().getName(),
          e.getMessage());
      ResultEvaluator.recordGateFailure(
          result, next, "cannot stop PipelineRun " + run + ": " + e.getMessage(), now);
      return;
    }
    ResultEvaluator.recordGate(result, next, outcome, now);
    if (outcome.stopped()
        && (result.getStatus() == null || result.getStatus().getStoppedPipelineRun() == null)) {
      meters.counter("sekisho_pipelineruns_stopped_total").increment();
      events.record(
          result,
          EventRecorder.Type.Warning,
          "PipelineRunStopped",
          "Stop",
          outcome.message()
              + ": image "
              + result.getSpec().getImage()
              + " fails policy "
              + next.getDecidingPolicy());
    }
  }

  private static boolean gateFailed(ScanResultStatus status) {
    return status.getConditions().stream()
        .anyMatch(
            c ->
                Constants.CONDITION_PIPELINE_RUN_STOPPED.equals(c.getType())
                    && GateOutcome.FAILED.equals(c.getReason()));
  }
}
