package dev.sekisho.api.v1alpha1;

/** What a policy does with a failing image. */
public enum PolicyAction {
  /** A violation fails the image: the scan step exits non-zero and the PipelineRun is stopped. */
  Enforce,
  /** Violations are reported as warnings; the image never fails because of this policy. */
  Warn
}
