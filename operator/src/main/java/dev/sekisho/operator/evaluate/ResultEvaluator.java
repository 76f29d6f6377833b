package dev.sekisho.operator.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.operator.gate.GateOutcome;
import dev.sekisho.operator.resultspec.SpecToReport;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyResult;
import dev.sekisho.scanner.policy.PolicyViolation;
import dev.sekisho.scanner.vex.VexStatements;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision for one ScanResult, as a pure function of the result, the policies that select it
 * and the time: load the report, run the scanner's {@link PolicyEngine}, and turn its {@link
 * Evaluation} into the {@link ScanResultStatus} the reconciler writes. No API calls, no Events, no
 * status writes: the ScanResult reconciler does those, one reconciliation per result at a time.
 */
public final class ResultEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(ResultEvaluator.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final ReportStore store;
  private final VexSources vex;

  /** The statements of the VEX documents a policy references. */
  @FunctionalInterface
  public interface VexSources {
    /**
     * The statements of {@code policy}'s VEX documents.
     *
     * @throws IOException naming the policy, the document and the problem when one cannot be read
     */
    VexStatements load(NamedPolicy policy) throws IOException;

    /** No policy has VEX documents. */
    VexSources NONE = p -> VexStatements.none();
  }

  public ResultEvaluator(ReportStore store) {
    this(store, VexSources.NONE);
  }

  public ResultEvaluator(ReportStore store, VexSources vex) {
    this.store = store;
    this.vex = vex;
  }

  /**
   * What the engine decided.
   *
   * @param evaluation the engine's evaluation (verdict Error when it could not run)
   * @param policyCount how many policies selected the result
   * @param error why the evaluation could not run, or null
   */
  public record Outcome(Evaluation evaluation, int policyCount, String error) {
    /** True when an Enforce policy fails the image: the case in which a PipelineRun is stopped. */
    public boolean failsEnforce() {
      return evaluation.verdict() == Verdict.Fail
          && evaluation.policies().stream()
              .anyMatch(
                  p ->
                      p.policy().spec().getAction() == PolicyAction.Enforce
                          && p.verdict() == Verdict.Fail);
    }
  }

  /** Evaluates {@code policies} against the result's report at {@code now}. */
  public Outcome evaluate(ScanResult result, List<NamedPolicy> policies, Instant now) {
    String scanError = scanError(result);
    if (scanError != null) {
      // the operator could not scan this running image: nothing to evaluate, the reason is the
      // verdict's
      return new Outcome(
          new Evaluation(Verdict.Error, null, List.of(), List.of(), List.of(), null),
          policies.size(),
          "cannot scan image " + result.getSpec().getImage() + ": " + scanError);
    }
    try {
      // a VEX document that cannot be read is an error of the evaluation: fail closed
      List<NamedPolicy> withVex = new ArrayList<>(policies.size());
      for (NamedPolicy p : policies) {
        withVex.add(p.spec() == null || p.spec().getVex().isEmpty() ? p : p.withVex(vex.load(p)));
      }
      return new Outcome(
          PolicyEngine.evaluate(report(result), withVex, now), policies.size(), null);
    } catch (IOException | RuntimeException e) {
      String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn(
          "evaluation failed namespace={} name={}: {}",
          result.getMetadata().getNamespace(),
          result.getMetadata().getName(),
          error,
          e);
      return new Outcome(
          new Evaluation(Verdict.Error, null, List.of(), List.of(), List.of(), null),
          policies.size(),
          error);
    }
  }

  /**
   * Why the operator could not scan the result's image, or null ({@link
   * Constants#ANNOTATION_SCAN_ERROR}).
   */
  public static String scanError(ScanResult result) {
    var annotations = result.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Constants.ANNOTATION_SCAN_ERROR);
  }

  /**
   * The full report from the store; rebuilt from the spec's bounded excerpt when there is none (a
   * result created by hand, or a lost store).
   */
  private ScanReport report(ScanResult result) throws IOException {
    String key = result.getSpec().getStoreKey();
    Optional<ScanReport> stored = key == null ? Optional.empty() : store.get(key);
    return stored.orElseGet(() -> SpecToReport.toReport(result.getSpec()));
  }

  /** True when the gate has yet to act on this result at its current generation. */
  public static boolean needsGate(ScanResult result, Outcome outcome) {
    var source = result.getSpec().getSource();
    if (!outcome.failsEnforce() || source == null || source.getPipelineRun() == null) {
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

  /**
   * The status for {@code outcome}, carrying over what the evaluation does not decide (the gate's
   * condition and stopped run).
   */
  public static ScanResultStatus statusFor(ScanResult result, Outcome outcome, Instant now) {
    Evaluation e = outcome.evaluation();
    ScanResultStatus old = result.getStatus();
    Long generation = result.getMetadata().getGeneration();
    ScanResultStatus s = new ScanResultStatus();
    s.setObservedGeneration(generation);
    s.setVerdict(e.verdict());
    s.setDecidingPolicy(e.decidingPolicy());
    s.setPolicies(new ArrayList<>(e.policies().stream().map(ResultEvaluator::outcome).toList()));
    List<PolicyViolation> violations = e.violations();
    s.setViolations(
        new ArrayList<>(
            violations.subList(0, Math.min(violations.size(), Constants.MAX_VIOLATIONS)).stream()
                .map(ResultEvaluator::violation)
                .toList()));
    s.setViolationCount(violations.size());
    s.setNextEvaluation(
        e.nextEvaluation() == null ? null : e.nextEvaluation().atOffset(ZoneOffset.UTC));
    s.setLastEvaluated(now.atOffset(ZoneOffset.UTC));
    if (old != null) {
      s.setStoppedPipelineRun(old.getStoppedPipelineRun());
      condition(old, Constants.CONDITION_PIPELINE_RUN_STOPPED)
          .ifPresent(c -> s.getConditions().add(c));
    }
    String reason;
    String message;
    String conditionStatus = "True";
    int policyCount = outcome.policyCount();
    if (outcome.error() != null) {
      conditionStatus = "False";
      reason = scanError(result) != null ? "ScanFailed" : "EvaluationFailed";
      message = outcome.error();
    } else if (policyCount == 0) {
      reason = "NoPolicy";
      message = "no ScanPolicy or ClusterScanPolicy selects this result";
    } else {
      reason = e.verdict().name();
      message =
          e.verdict()
              + " under "
              + policyCount
              + (policyCount == 1 ? " policy" : " policies")
              + " with "
              + violations.size()
              + (violations.size() == 1 ? " violation" : " violations")
              + (e.decidingPolicy() == null ? "" : "; decided by " + e.decidingPolicy());
    }
    setCondition(
        s, old, Constants.CONDITION_EVALUATED, conditionStatus, reason, message, generation, now);
    return s;
  }

  /**
   * Records in {@code next} what the gate did for {@code result}: condition {@code
   * PipelineRunStopped} (with the generation it acted on, so it acts once per generation) and the
   * stopped run.
   */
  public static void recordGate(
      ScanResult result, ScanResultStatus next, GateOutcome outcome, Instant now) {
    setCondition(
        next,
        result.getStatus(),
        Constants.CONDITION_PIPELINE_RUN_STOPPED,
        outcome.stopped() ? "True" : "False",
        outcome.reason(),
        outcome.message(),
        result.getMetadata().getGeneration(),
        now);
    if (outcome.stopped()) {
      next.setStoppedPipelineRun(result.getSpec().getSource().getPipelineRun());
    }
  }

  /**
   * Records that the gate could not act (the Kubernetes API refused it): without an
   * observedGeneration, so the next evaluation tries the gate again.
   */
  public static void recordGateFailure(
      ScanResult result, ScanResultStatus next, String message, Instant now) {
    setCondition(
        next,
        result.getStatus(),
        Constants.CONDITION_PIPELINE_RUN_STOPPED,
        "False",
        GateOutcome.FAILED,
        message,
        null,
        now);
  }

  private static PolicyOutcome outcome(PolicyResult r) {
    PolicyOutcome o = new PolicyOutcome();
    o.setKind(r.policy().kind());
    o.setNamespace(r.policy().namespace());
    o.setName(r.policy().name());
    o.setAction(r.policy().spec().getAction());
    o.setVerdict(r.verdict());
    o.setViolations(r.violations());
    o.setExcepted(r.excepted());
    return o;
  }

  private static Violation violation(PolicyViolation v) {
    Violation out = new Violation();
    out.setPolicy(v.policy() == null ? "(report)" : v.policy());
    out.setAction(v.action());
    out.setRule(v.rule());
    out.setFindingId(v.findingId());
    out.setPackageName(v.packageName());
    out.setMessage(v.message());
    return out;
  }

  private static void setCondition(
      ScanResultStatus target,
      ScanResultStatus old,
      String type,
      String status,
      String reason,
      String message,
      Long generation,
      Instant now) {
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
            .withLastTransitionTime(since != null ? since : now.toString())
            .build();
    target.getConditions().removeIf(x -> type.equals(x.getType()));
    target.getConditions().add(c);
    target.getConditions().sort(Comparator.comparing(Condition::getType));
  }

  public static Optional<Condition> condition(ScanResultStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Equal when they differ at most in lastEvaluated and the conditions' transition times. */
  public static boolean sameStatus(ScanResultStatus a, ScanResultStatus b) {
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
}
