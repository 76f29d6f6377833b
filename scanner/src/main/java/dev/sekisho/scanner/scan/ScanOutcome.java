package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import java.util.List;

/**
 * What {@link ScanPipeline#scan} produced.
 *
 * @param report the findings
 * @param applying the policies whose selectors selected this scan, in the given order
 * @param skipped the policies left out, each with the reason
 * @param evaluation the verdict, or null when no policies were given or the verdict is decided
 *     elsewhere
 */
public record ScanOutcome(
    ScanReport report, List<NamedPolicy> applying, List<Skipped> skipped, Evaluation evaluation) {

  public ScanOutcome {
    applying = List.copyOf(applying);
    skipped = List.copyOf(skipped);
  }

  /** A policy that does not apply to the scan, and why (its selector's words). */
  public record Skipped(NamedPolicy policy, String reason) {}
}
