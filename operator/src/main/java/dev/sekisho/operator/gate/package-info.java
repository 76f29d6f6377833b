/** The PipelineRun gate: stops a running PipelineRun whose ScanResult fails an Enforce policy. */
package dev.sekisho.operator.gate;
