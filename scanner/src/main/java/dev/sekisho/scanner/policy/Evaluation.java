package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of evaluating policies against one scan.
 *
 * @param verdict the strictest verdict of all policies (Error when the report is unusable)
 * @param decidingPolicy display name of the first policy whose verdict is the overall verdict; null
 *     when the verdict is Pass or the report is unusable
 * @param policies per-policy outcome, in the order the policies were given
 * @param violations every violation of every policy, in policy order
 * @param exceptions exceptions that excused findings, and every expired exception
 * @param nextEvaluation the earliest instant after which evaluating again can change the outcome (a
 *     grace period ends or an applied exception expires); null when nothing is pending
 */
public record Evaluation(
    Verdict verdict,
    String decidingPolicy,
    List<PolicyResult> policies,
    List<PolicyViolation> violations,
    List<ExceptionUse> exceptions,
    Instant nextEvaluation) {

  public Evaluation {
    policies = List.copyOf(policies);
    violations = List.copyOf(violations);
    exceptions = List.copyOf(exceptions);
  }
}
