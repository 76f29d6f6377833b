package dev.sekisho.operator.decide;

import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the policy engine decided for one ScanResult.
 *
 * @param verdict overall verdict
 * @param decidingPolicy ref of the strictest violated policy, or null
 * @param policies outcome per selected policy
 * @param violations every violation (not yet bounded)
 * @param nextEvaluation next instant the verdict can change by itself, or null
 */
public record Decision(
    Verdict verdict,
    String decidingPolicy,
    List<PolicyOutcome> policies,
    List<Violation> violations,
    Instant nextEvaluation) {
  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    policies = policies == null ? List.of() : List.copyOf(policies);
    violations = violations == null ? List.of() : List.copyOf(violations);
  }

  /** True when an Enforce policy fails the image: the case in which a PipelineRun is stopped. */
  public boolean failsEnforce() {
    return verdict == Verdict.Fail
        && policies.stream()
            .anyMatch(p -> p.getAction() == PolicyAction.Enforce && p.getVerdict() == Verdict.Fail);
  }
}
