package dev.sekisho.operator.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.operator.decide.Decider;
import dev.sekisho.operator.decide.Decision;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.decide.SelectedPolicy;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.GateOutcome;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.resultspec.SpecToReport;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.scanner.model.ScanReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates one ScanResult and brings its status up to date. Idempotent: evaluating an unchanged
 * result against unchanged policies writes nothing and emits nothing.
 */
public final class ResultEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(ResultEvaluator.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Decider decider;
  private final PolicyScope scope;
  private final ReportStore store;
  private final PipelineRunGate gate;
  private final EventRecorder events;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Object[] stripes = new Object[64];

  public ResultEvaluator(
      KubernetesClient client,
      Decider decider,
      ReportStore store,
      PipelineRunGate gate,
      EventRecorder events,
      Clock clock,
      MeterRegistry meters) {
    this.client = client;
    this.decider = decider;
    this.scope = new PolicyScope(decider);
    this.store = store;
    this.gate = gate;
    this.events = events;
    this.clock = clock;
    this.meters = meters;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * What an evaluation produced.
   *
   * @param status the status the result has now
   * @param decision the engine's decision
   * @param written true when the status was written
   */
  public record Evaluated(ScanResultStatus status, Decision decision, boolean written) {}

  /**
   * Evaluates {@code result} (possibly from a cache) and writes its status if it changed. Before
   * writing, the result is re-read from the API server so a stale cache never causes a duplicate
   * write or Event.
   */
  public Evaluated evaluate(ScanResult result, PolicyLookup lookup) {
    String key = result.getMetadata().getNamespace() + "/" + name(result);
    // The reconciler and the scan API may evaluate one result at once: serialise them, so the
    // second sees the first's write when it re-reads and neither writes or emits twice.
    synchronized (stripes[Math.floorMod(key.hashCode(), stripes.length)]) {
      return evaluateLocked(result, lookup);
    }
  }

  private Evaluated evaluateLocked(ScanResult result, PolicyLookup lookup) {
    String namespace = result.getMetadata().getNamespace();
    Instant now = clock.instant();
    List<SelectedPolicy> policies =
        scope.select(
            result,
            lookup.namespaceLabels(namespace),
            lookup.scanPolicies(namespace),
            lookup.clusterScanPolicies());
    Decision decision;
    String error = null;
    try {
      decision = decider.decide(report(result), policies, now);
    } catch (IOException | RuntimeException e) {
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("evaluation failed namespace={} name={}: {}", namespace, name(result), error, e);
      decision = new Decision(Verdict.Error, null, List.of(), List.of(), null);
    }
    ScanResultStatus next = statusFor(result, decision, policies.size(), error, now);
    if (sameStatus(result.getStatus(), next) && !needsGate(result, decision)) {
      return new Evaluated(result.getStatus(), decision, false);
    }
    ScanResult fresh =
        client.resources(ScanResult.class).inNamespace(namespace).withName(name(result)).get();
    if (fresh == null
        || !Objects.equals(
            fresh.getMetadata().getGeneration(), result.getMetadata().getGeneration())) {
      // Deleted, or the spec changed: the event for the new generation evaluates it again.
      return new Evaluated(result.getStatus(), decision, false);
    }
    next = statusFor(fresh, decision, policies.size(), error, now);
    if (needsGate(fresh, decision)) {
      applyGate(fresh, next);
    }
    if (sameStatus(fresh.getStatus(), next)) {
      return new Evaluated(fresh.getStatus(), decision, false);
    }
    writeStatus(fresh, next);
    Verdict before = fresh.getStatus() == null ? null : fresh.getStatus().getVerdict();
    if (before != next.getVerdict()) {
      meters
          .counter("sekisho_verdict_changes_total", "verdict", next.getVerdict().name())
          .increment();
      events.record(
          fresh,
          next.getVerdict() == Verdict.Pass
              ? EventRecorder.Type.Normal
              : EventRecorder.Type.Warning,
          "Verdict" + next.getVerdict(),
          "Evaluate",
          verdictNote(before, next));
    }
    return new Evaluated(next, decision, true);
  }

  private ScanReport report(ScanResult result) throws IOException {
    String key = result.getSpec().getStoreKey();
    Optional<ScanReport> stored = key == null ? Optional.empty() : store.get(key);
    return stored.orElseGet(() -> SpecToReport.toReport(result.getSpec()));
  }

  /** True when the gate has yet to act on this result at its current generation. */
  private static boolean needsGate(ScanResult result, Decision decision) {
    var source = result.getSpec().getSource();
    if (!decision.failsEnforce() || source == null || source.getPipelineRun() == null) {
      return false;
    }
    ScanResultStatus status = result.getStatus();
    if (status == null) {
      return true;
    }
    if (status.getStoppedPipelineRun() != null) {
      return false;
    }
    return condition(status, Constants.CONDITION_PIPELINE_RUN_STOPPED)
        .map(c -> !Objects.equals(c.getObservedGeneration(), result.getMetadata().getGeneration()))
        .orElse(true);
  }

  private void applyGate(ScanResult result, ScanResultStatus next) {
    GateOutcome outcome;
    try {
      outcome = gate.stop(result);
    } catch (KubernetesClientException e) {
      // The verdict stands whatever the gate could do: it is written (and answered to the step)
      // with the reason the run was not stopped. No observedGeneration: the next evaluation of
      // this result tries the gate again.
      String run = result.getSpec().getSource().getPipelineRun();
      LOG.warn(
          "cannot stop pipelinerun namespace={} name={} result={}: {}",
          result.getMetadata().getNamespace(),
          run,
          name(result),
          e.getMessage());
      setCondition(
          next,
          result.getStatus(),
          Constants.CONDITION_PIPELINE_RUN_STOPPED,
          "False",
          GateOutcome.FAILED,
          "cannot stop PipelineRun " + run + ": " + e.getMessage(),
          null);
      return;
    }
    Long generation = result.getMetadata().getGeneration();
    setCondition(
        next,
        result.getStatus(),
        Constants.CONDITION_PIPELINE_RUN_STOPPED,
        outcome.stopped() ? "True" : "False",
        outcome.reason(),
        outcome.message(),
        generation);
    if (outcome.stopped()) {
      next.setStoppedPipelineRun(result.getSpec().getSource().getPipelineRun());
      if (result.getStatus() == null || result.getStatus().getStoppedPipelineRun() == null) {
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
  }

  /** The status for {@code decision}, carrying over what the evaluation does not decide. */
  ScanResultStatus statusFor(
      ScanResult result, Decision decision, int policyCount, String error, Instant now) {
    ScanResultStatus old = result.getStatus();
    Long generation = result.getMetadata().getGeneration();
    ScanResultStatus s = new ScanResultStatus();
    s.setObservedGeneration(generation);
    s.setVerdict(decision.verdict());
    s.setDecidingPolicy(decision.decidingPolicy());
    s.setPolicies(new ArrayList<>(decision.policies()));
    List<Violation> violations = decision.violations();
    s.setViolations(
        new ArrayList<>(
            violations.subList(0, Math.min(violations.size(), Constants.MAX_VIOLATIONS))));
    s.setViolationCount(violations.size());
    s.setNextEvaluation(
        decision.nextEvaluation() == null
            ? null
            : decision.nextEvaluation().atOffset(ZoneOffset.UTC));
    s.setLastEvaluated(now.atOffset(ZoneOffset.UTC));
    if (old != null) {
      s.setStoppedPipelineRun(old.getStoppedPipelineRun());
      condition(old, Constants.CONDITION_PIPELINE_RUN_STOPPED)
          .ifPresent(c -> s.getConditions().add(c));
    }
    String reason;
    String message;
    String conditionStatus = "True";
    if (error != null) {
      conditionStatus = "False";
      reason = "EvaluationFailed";
      message = error;
    } else if (policyCount == 0) {
      reason = "NoPolicy";
      message = "no ScanPolicy or ClusterScanPolicy selects this result";
    } else {
      reason = decision.verdict().name();
      message =
          decision.verdict()
              + " under "
              + policyCount
              + (policyCount == 1 ? " policy" : " policies")
              + " with "
              + violations.size()
              + (violations.size() == 1 ? " violation" : " violations")
              + (decision.decidingPolicy() == null
                  ? ""
                  : "; decided by " + decision.decidingPolicy());
    }
    setCondition(
        s, old, Constants.CONDITION_EVALUATED, conditionStatus, reason, message, generation);
    return s;
  }

  private void setCondition(
      ScanResultStatus target,
      ScanResultStatus old,
      String type,
      String status,
      String reason,
      String message,
      Long generation) {
    String since =
        old == null
            ? null
            : condition(old, type)
                .filter(c -> status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(null);
    Condition c =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since != null ? since : clock.instant().toString())
            .build();
    target.getConditions().removeIf(x -> type.equals(x.getType()));
    target.getConditions().add(c);
    target.getConditions().sort(java.util.Comparator.comparing(Condition::getType));
  }

  static Optional<Condition> condition(ScanResultStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Equal when they differ at most in lastEvaluated and the conditions' transition times. */
  static boolean sameStatus(ScanResultStatus a, ScanResultStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return normalised(a).equals(normalised(b));
  }

  private static JsonNode normalised(ScanResultStatus s) {
    ObjectNode node = (ObjectNode) SERIALIZATION.convertValue(s, JsonNode.class);
    node.remove("lastEvaluated");
    if (node.get("conditions") instanceof ArrayNode conditions) {
      conditions.forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
    }
    return node;
  }

  private void writeStatus(ScanResult result, ScanResultStatus status) {
    String patch =
        "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + SERIALIZATION.asJson(status) + "}]";
    client
        .resources(ScanResult.class)
        .inNamespace(result.getMetadata().getNamespace())
        .withName(name(result))
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
    LOG.info(
        "status written namespace={} name={} verdict={} violations={} policy={}",
        result.getMetadata().getNamespace(),
        name(result),
        status.getVerdict(),
        status.getViolationCount(),
        status.getDecidingPolicy());
  }

  private static String verdictNote(Verdict before, ScanResultStatus next) {
    return "verdict "
        + next.getVerdict()
        + (before == null ? "" : " (was " + before + ")")
        + (next.getDecidingPolicy() == null ? "" : ", decided by " + next.getDecidingPolicy())
        + ", "
        + next.getViolationCount()
        + " violation(s)";
  }

  private static String name(ScanResult r) {
    return r.getMetadata().getName();
  }
}
