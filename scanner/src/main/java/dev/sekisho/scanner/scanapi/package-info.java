/**
 * The scan API's contract, shared by the Task step (which sends a {@link
 * dev.sekisho.scanner.scanapi.ScanSubmission}) and the operator (which reads it and answers with a
 * {@link dev.sekisho.scanner.scanapi.ScanAnswer}): one definition, versioned by {@code apiVersion}
 * ({@value dev.sekisho.scanner.scanapi.ScanApi#API_VERSION}), serialised with Jackson on both
 * sides. It depends on the scanner's model only, so the CLI needs no Kubernetes client for it.
 */
package dev.sekisho.scanner.scanapi;
