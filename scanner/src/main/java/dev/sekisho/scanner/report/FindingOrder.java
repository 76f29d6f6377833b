package dev.sekisho.scanner.report;

import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import java.util.Comparator;

/** The order findings appear in every report: most severe first, then stable by id and place. */
public final class FindingOrder {
  /** Severity, then CVSS (highest first), then id, package name and version. */
  public static final Comparator<Vulnerability> VULNERABILITIES =
      Comparator.comparing(Vulnerability::severity)
          .thenComparing(
              v -> v.cvssScore() == null ? 0.0 : v.cvssScore(), Comparator.reverseOrder())
          .thenComparing(Vulnerability::id)
          .thenComparing(v -> v.pkg().name())
          .thenComparing(v -> v.pkg().version());

  /** Severity, then rule, path and line. */
  public static final Comparator<SecretFinding> SECRETS =
      Comparator.comparing(SecretFinding::severity)
          .thenComparing(SecretFinding::ruleId)
          .thenComparing(s -> s.location().path())
          .thenComparingInt(SecretFinding::line);

  /** Severity, then check id. */
  public static final Comparator<Misconfiguration> MISCONFIGURATIONS =
      Comparator.comparing(Misconfiguration::severity).thenComparing(Misconfiguration::checkId);

  private FindingOrder() {}
}
