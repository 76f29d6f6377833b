package dev.sekisho.operator.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.gate.GateOutcome;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.scanner.policy.NamedPolicy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The decision as a pure function: result, policies and time in, status out; no API server. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ResultEvaluatorTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path dir;

  private static ScanResult result(String storeKey) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("build-1-0123456789ab")
            .withGeneration(3L)
            .build());
    r.getSpec().setImage("registry.example.com/shop/app:1.4.2");
    r.getSpec().setStoreKey(storeKey);
    ScanSource source = new ScanSource();
    source.setNamespace("shop");
    source.setPipelineRun("build-1");
    r.getSpec().setSource(source);
    Finding high = new Finding();
    high.setId("CVE-2024-5535");
    high.setSeverity(Severity.High);
    high.setPackageName("libssl3");
    high.setInstalledVersion("3.0.13-1");
    r.getSpec().setFindings(List.of(high));
    return r;
  }

  private static NamedPolicy noHigh(PolicyAction action) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(action);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    return new NamedPolicy(NamedPolicy.SCAN_POLICY, "shop", "no-high", spec);
  }

  private ResultEvaluator evaluator() {
    return new ResultEvaluator(new ReportStore(dir.resolve("store")));
  }

  @Test
  void anEnforcePolicyThatFailsGivesAFailStatusForTheGeneration() {
    ScanResult r = result(null);
    ResultEvaluator.Outcome outcome =
        evaluator().evaluate(r, List.of(noHigh(PolicyAction.Enforce)), NOW);

    ScanResultStatus s = ResultEvaluator.statusFor(r, outcome, NOW);

    assertThat(outcome.failsEnforce()).isTrue();
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(s.getDecidingPolicy()).isEqualTo("ScanPolicy/shop/no-high");
    assertThat(s.getViolationCount()).isEqualTo(1);
    assertThat(s.getViolations().getFirst().getFindingId()).isEqualTo("CVE-2024-5535");
    assertThat(s.getPolicies().getFirst().getAction()).isEqualTo(PolicyAction.Enforce);
    assertThat(ResultEvaluator.condition(s, Constants.CONDITION_EVALUATED).orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("Fail");
              assertThat(c.getMessage())
                  .isEqualTo(
                      "Fail under 1 policy with 1 violation; decided by ScanPolicy/shop/no-high");
              assertThat(c.getObservedGeneration()).isEqualTo(3L);
            });
    assertThat(ResultEvaluator.needsGate(r, outcome)).isTrue();
  }

  @Test
  void aWarnPolicyNeverNeedsTheGateAndNoPolicyPasses() {
    ScanResult r = result(null);
    ResultEvaluator.Outcome warn = evaluator().evaluate(r, List.of(noHigh(PolicyAction.Warn)), NOW);
    assertThat(warn.evaluation().verdict()).isEqualTo(Verdict.Warn);
    assertThat(ResultEvaluator.needsGate(r, warn)).isFalse();

    ResultEvaluator.Outcome none = evaluator().evaluate(r, List.of(), NOW);
    ScanResultStatus s = ResultEvaluator.statusFor(r, none, NOW);
    assertThat(s.getVerdict()).isEqualTo(Verdict.Pass);
    assertThat(
            ResultEvaluator.condition(s, Constants.CONDITION_EVALUATED).orElseThrow().getReason())
        .isEqualTo("NoPolicy");
  }

  @Test
  void aRunningImageTheOperatorCouldNotScanIsVerdictErrorWithTheReason() {
    ScanResult r = result(null);
    r.getMetadata()
        .setAnnotations(
            java.util.Map.of(
                Constants.ANNOTATION_SCAN_ERROR,
                "cannot read manifest of registry.example.com/shop/app: 401 Unauthorized"));
    ResultEvaluator.Outcome outcome =
        evaluator().evaluate(r, List.of(noHigh(PolicyAction.Enforce)), NOW);
    ScanResultStatus s = ResultEvaluator.statusFor(r, outcome, NOW);

    assertThat(s.getVerdict()).isEqualTo(Verdict.Error);
    var condition = ResultEvaluator.condition(s, Constants.CONDITION_EVALUATED).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("ScanFailed");
    assertThat(condition.getMessage())
        .isEqualTo(
            "cannot scan image registry.example.com/shop/app:1.4.2: cannot read manifest of"
                + " registry.example.com/shop/app: 401 Unauthorized");
    // the findings in the spec are not evaluated: nothing failed but the scan
    assertThat(outcome.failsEnforce()).isFalse();
  }

  @Test
  void aReportThatCannotBeReadIsVerdictError() throws Exception {
    Files.createDirectories(dir.resolve("store"));
    Files.writeString(dir.resolve("store/shop_build-1-0123456789ab.json.gz"), "not gzip");
    ScanResult r = result("shop/build-1-0123456789ab");

    ResultEvaluator.Outcome outcome =
        evaluator().evaluate(r, List.of(noHigh(PolicyAction.Enforce)), NOW);
    ScanResultStatus s = ResultEvaluator.statusFor(r, outcome, NOW);

    assertThat(s.getVerdict()).isEqualTo(Verdict.Error);
    assertThat(ResultEvaluator.condition(s, Constants.CONDITION_EVALUATED).orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("EvaluationFailed");
            });
  }

  @Test
  void theSameDecisionLaterIsTheSameStatusAndTheGateActsOncePerGeneration() {
    ScanResult r = result(null);
    ResultEvaluator e = evaluator();
    ResultEvaluator.Outcome first = e.evaluate(r, List.of(noHigh(PolicyAction.Enforce)), NOW);
    ScanResultStatus written = ResultEvaluator.statusFor(r, first, NOW);
    ResultEvaluator.recordGate(
        r, written, new GateOutcome(true, GateOutcome.STOPPED, "PipelineRun build-1 set"), NOW);
    r.setStatus(written);

    Instant later = NOW.plusSeconds(60);
    ResultEvaluator.Outcome again = e.evaluate(r, List.of(noHigh(PolicyAction.Enforce)), later);
    ScanResultStatus next = ResultEvaluator.statusFor(r, again, later);

    assertThat(ResultEvaluator.sameStatus(written, next))
        .as("only lastEvaluated differs: nothing to write")
        .isTrue();
    assertThat(next.getStoppedPipelineRun()).isEqualTo("build-1");
    assertThat(ResultEvaluator.needsGate(r, again)).isFalse();
  }
}
