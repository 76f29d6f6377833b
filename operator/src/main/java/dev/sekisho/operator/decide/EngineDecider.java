package dev.sekisho.operator.decide;

import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyResult;
import dev.sekisho.scanner.policy.PolicySelector;
import dev.sekisho.scanner.policy.PolicyValidator;
import dev.sekisho.scanner.policy.PolicyViolation;
import java.time.Instant;
import java.util.List;

/** The {@link Decider} backed by the scanner's pure policy engine (the same code the CLI runs). */
public final class EngineDecider implements Decider {
  @Override
  public boolean selects(SelectedPolicy policy, ImageFacts image, String pipeline) {
    return PolicySelector.selects(named(policy), image, pipeline);
  }

  @Override
  public List<String> validate(ScanPolicySpec spec) {
    return PolicyValidator.validate(spec);
  }

  @Override
  public Decision decide(ScanReport report, List<SelectedPolicy> policies, Instant now) {
    Evaluation e =
        PolicyEngine.evaluate(report, policies.stream().map(EngineDecider::named).toList(), now);
    return new Decision(
        e.verdict(),
        e.decidingPolicy(),
        e.policies().stream().map(EngineDecider::outcome).toList(),
        e.violations().stream().map(EngineDecider::violation).toList(),
        e.nextEvaluation());
  }

  private static NamedPolicy named(SelectedPolicy p) {
    return new NamedPolicy(p.kind(), p.namespace(), p.name(), p.spec());
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
}
