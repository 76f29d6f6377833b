package dev.sekisho.scanner.report;

import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyFileException;
import dev.sekisho.scanner.policy.PolicyFiles;
import java.time.Instant;
import java.util.List;

/** The sample report judged by real policies (through the real engine). */
public final class SampleEvaluations {
  public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  /**
   * prod-strict (Enforce): fail on High; CVE-2024-0001 (openssl, High) excepted as not reachable,
   * aws-access-key-id excepted as an accepted risk; log4j (Critical) still fails.
   */
  public static final String POLICY =
      """
      apiVersion: sekisho.dev/v1alpha1
      kind: ScanPolicy
      metadata:
        name: prod-strict
      spec:
        action: Enforce
        vulnerabilities:
          failOn: High
        exceptions:
          - id: CVE-2024-0001
            expires: "2027-01-01T00:00:00Z"
            reason: "code_not_reachable: the TLS code path is never used"
          - id: CVE-2024-0002
            expires: "2026-01-01T00:00:00Z"
            reason: expired long ago
      """;

  private SampleEvaluations() {}

  public static Evaluation failing() {
    try {
      List<NamedPolicy> policies = PolicyFiles.parse(POLICY, "prod-strict.yaml", false);
      return PolicyEngine.evaluate(SampleReports.sample(), policies, NOW);
    } catch (PolicyFileException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ReportInput input() {
    return new ReportInput(SampleReports.sample(), failing());
  }
}
