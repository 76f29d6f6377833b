package dev.sekisho.scanner.report;

import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.ExceptionUse;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a report is made of: the scan and, when policies were evaluated, their verdict.
 *
 * @param report the scan
 * @param evaluation the policies' verdict, or null when no policy was evaluated
 */
public record ReportInput(ScanReport report, Evaluation evaluation) {
  public ReportInput {
    Objects.requireNonNull(report, "report");
  }

  /** A report without a policy verdict. */
  public ReportInput(ScanReport report) {
    this(report, null);
  }

  /**
   * The unexpired exception that excuses the finding with {@code id} (or one of its {@code
   * aliases}), if any.
   */
  public Optional<ExceptionUse> exceptionFor(String id, List<String> aliases) {
    return exceptionFor(id, aliases, null);
  }

  /**
   * The unexpired exception or VEX statement that excuses the vulnerability finding {@code v}, if
   * any. A VEX statement excuses only the packages it suppressed.
   */
  public Optional<ExceptionUse> exceptionFor(Vulnerability v) {
    return exceptionFor(v.id(), v.aliases(), v.pkg().purl() == null ? "" : v.pkg().purl());
  }

  private Optional<ExceptionUse> exceptionFor(String id, List<String> aliases, String purl) {
    if (evaluation == null) {
      return Optional.empty();
    }
    for (ExceptionUse use : evaluation.exceptions()) {
      if (use.expired()) {
        continue;
      }
      if (use.isVex() && (purl == null || !use.coveredPackages().contains(purl))) {
        continue;
      }
      if (use.coveredFindings().contains(id)
          || aliases.stream().anyMatch(use.coveredFindings()::contains)) {
        return Optional.of(use);
      }
    }
    return Optional.empty();
  }

  /**
   * The unexpired exception or allowance that excuses a secret finding: an allowance by path or
   * fingerprint (recorded under the finding's fingerprint), or an exception by rule id.
   */
  public Optional<ExceptionUse> exceptionFor(SecretFinding secret) {
    return secret.fingerprint() == null
        ? exceptionFor(secret.ruleId(), List.of())
        : exceptionFor(secret.fingerprint(), List.of(secret.ruleId()));
  }

  /**
   * The deciding policy's short name (without its kind), or null when the verdict is Pass or no
   * policy was evaluated.
   */
  public String decidingPolicyName() {
    if (evaluation == null || evaluation.decidingPolicy() == null) {
      return null;
    }
    return evaluation.policies().stream()
        .filter(r -> r.policy().displayName().equals(evaluation.decidingPolicy()))
        .map(r -> r.policy().name())
        .findFirst()
        .orElse(evaluation.decidingPolicy());
  }
}
