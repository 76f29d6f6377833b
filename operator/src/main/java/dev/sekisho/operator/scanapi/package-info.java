/**
 * The scan API: the Tekton step posts an image's inventory; the operator authenticates the caller
 * (TokenReview), authorises it (SubjectAccessReview on {@code scanresults/submit}), matches,
 * stores, writes the ScanResult, evaluates, and answers with the verdict.
 */
package dev.sekisho.operator.scanapi;
