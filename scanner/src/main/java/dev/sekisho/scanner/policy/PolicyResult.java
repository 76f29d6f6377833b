package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.Verdict;

/**
 * How one policy judged the scan.
 *
 * @param policy the policy
 * @param verdict Pass, Warn (violations of a Warn policy), Fail (violations of an Enforce policy),
 *     or Error (an invalid Enforce policy)
 * @param violations number of violations under this policy
 * @param excepted number of findings an unexpired exception excused
 */
public record PolicyResult(NamedPolicy policy, Verdict verdict, int violations, int excepted) {}
