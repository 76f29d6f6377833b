/**
 * The validating admission webhook: denies a Pod, or a workload's pod template, whose image digest
 * fails an Enforce policy of its namespace, or that a policy's {@code admission} rules refuse (no
 * scan, a tag). Decided from the operator's informer caches only ({@link
 * dev.sekisho.operator.admission.AdmissionDecider}), served over HTTPS on its own port ({@link
 * dev.sekisho.operator.admission.AdmissionServer}).
 */
package dev.sekisho.operator.admission;
