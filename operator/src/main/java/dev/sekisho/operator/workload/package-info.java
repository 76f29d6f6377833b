/**
 * Images in use: the operator's read-only watch of pods ({@link
 * dev.sekisho.operator.workload.PodWatch}), where each digest runs and under which workload ({@link
 * dev.sekisho.operator.workload.WorkloadInventory}), and the scans of images found running without
 * a ScanResult ({@link dev.sekisho.operator.workload.WorkloadScanner}).
 */
package dev.sekisho.operator.workload;
