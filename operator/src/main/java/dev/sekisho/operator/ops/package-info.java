/** Operations endpoints: liveness, readiness and Prometheus metrics. */
package dev.sekisho.operator.ops;
