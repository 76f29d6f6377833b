/**
 * Evaluation of one ScanResult, shared by the reconciler and the scan API: select the policies,
 * load the report, decide, stop the PipelineRun if needed, write the status when it changed, and
 * emit an Event when the verdict changed.
 */
package dev.sekisho.operator.evaluate;
