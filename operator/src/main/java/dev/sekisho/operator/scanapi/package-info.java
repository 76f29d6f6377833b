/**
 * The scan API: the Tekton step posts an image's inventory; the operator authenticates the caller
 * (TokenReview), authorises it (SubjectAccessReview on {@code scanresults/submit}), matches,
 * stores, writes the ScanResult spec, waits for the reconciler's decision, and answers with it.
 */
package dev.sekisho.operator.scanapi;
