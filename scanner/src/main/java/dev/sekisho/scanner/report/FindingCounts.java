package dev.sekisho.scanner.report;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of a scan's findings, the numbers every report shows.
 *
 * @param bySeverity vulnerabilities per severity (every severity present, zero when none)
 * @param fixable vulnerabilities with a fixed version
 * @param knownExploited vulnerabilities in the known-exploited catalogue
 * @param packages packages in the inventory
 * @param secrets secrets found
 * @param misconfigurations image configuration findings
 */
public record FindingCounts(
    Map<Severity, Integer> bySeverity,
    int fixable,
    int knownExploited,
    int packages,
    int secrets,
    int misconfigurations) {

  public FindingCounts {
    bySeverity = Map.copyOf(bySeverity);
  }

  /** Counts the findings of {@code report}. */
  public static FindingCounts of(ScanReport report) {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    int fixable = 0;
    int kev = 0;
    for (Vulnerability v : report.vulnerabilities()) {
      counts.merge(v.severity(), 1, Integer::sum);
      if (v.fixable()) {
        fixable++;
      }
      if (v.knownExploited()) {
        kev++;
      }
    }
    return new FindingCounts(
        counts,
        fixable,
        kev,
        report.packages().size(),
        report.secrets().size(),
        report.misconfigurations().size());
  }

  /** Vulnerabilities of {@code severity}. */
  public int count(Severity severity) {
    return bySeverity.getOrDefault(severity, 0);
  }

  /** All vulnerabilities. */
  public int vulnerabilities() {
    return bySeverity.values().stream().mapToInt(Integer::intValue).sum();
  }
}
