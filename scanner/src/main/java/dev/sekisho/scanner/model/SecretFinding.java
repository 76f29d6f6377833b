package dev.sekisho.scanner.model;

import dev.sekisho.api.v1alpha1.Severity;

/**
 * A secret found in a file. The secret itself is never kept: only a redacted excerpt.
 *
 * @param ruleId rule id (e.g. aws-access-key-id)
 * @param title human-readable rule title
 * @param severity severity of the rule
 * @param location file (and layer)
 * @param line 1-based line number
 * @param redacted the matched text with all but a short prefix masked
 */
public record SecretFinding(
    String ruleId, String title, Severity severity, Location location, int line, String redacted) {}
