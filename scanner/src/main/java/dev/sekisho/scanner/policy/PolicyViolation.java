package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.PolicyAction;

/**
 * One broken rule.
 *
 * @param policy display name of the policy (null for a report-level problem)
 * @param action the policy's action (null for a report-level problem)
 * @param rule the spec field that was broken, e.g. vulnerabilities.failOn, config.requireNonRoot,
 *     denyPackages[0], allowedRegistries, secrets.forbid, policy (the policy itself is invalid)
 * @param findingId the finding: a vulnerability id, a check id such as config/root-user, or a
 *     secret rule id; null when there is none
 * @param packageName the package concerned, or null
 * @param message human-readable explanation
 */
public record PolicyViolation(
    String policy,
    PolicyAction action,
    String rule,
    String findingId,
    String packageName,
    String message) {}
