/** Kubernetes Events the operator emits about ScanResults. */
package dev.sekisho.operator.events;
