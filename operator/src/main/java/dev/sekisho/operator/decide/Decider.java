package dev.sekisho.operator.decide;

import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.ScanReport;
import java.time.Instant;
import java.util.List;

/**
 * The operator's view of the scanner's pure policy engine: the one seam between the operator and
 * {@code dev.sekisho.scanner.policy}, so the reconcilers and the scan API share exactly one way to
 * select, validate and evaluate.
 */
public interface Decider {
  /**
   * True when the policy's image/pipeline selector selects a scan of {@code image} made by {@code
   * pipeline} (null outside a pipeline).
   */
  boolean selects(SelectedPolicy policy, ImageFacts image, String pipeline);

  /** Problems the CRD schema cannot catch; empty when the policy is valid. */
  List<String> validate(ScanPolicySpec spec);

  /** Evaluates the policies against the report at {@code now}. */
  Decision decide(ScanReport report, List<SelectedPolicy> policies, Instant now);
}
