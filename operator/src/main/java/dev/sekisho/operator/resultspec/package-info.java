/**
 * Mapping between the scanner's {@link dev.sekisho.scanner.model.ScanReport} and the bounded {@link
 * dev.sekisho.api.v1alpha1.ScanResultSpec} stored in the cluster: one mapper each way.
 */
package dev.sekisho.operator.resultspec;
