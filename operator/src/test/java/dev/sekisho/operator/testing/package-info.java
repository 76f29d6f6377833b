/**
 * The operator test harness, published in the operator module's test-jar: {@link
 * dev.sekisho.operator.testing.RunningOperator} starts the whole operator in the test JVM against
 * the test kube-apiserver; {@link dev.sekisho.operator.testing.ScanSubmitters} makes namespaces
 * whose pipeline ServiceAccount may submit scans; {@link dev.sekisho.operator.testing.PipelineRuns}
 * installs Tekton's PipelineRun CRD and creates PipelineRuns in a given state; {@link
 * dev.sekisho.operator.testing.FixtureMatcher} matches against a small advisory fixture.
 *
 * <p>Use it from another module with:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.sekisho</groupId>
 *   <artifactId>sekisho-operator</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * (plus {@code sekisho-operator} itself and {@code sekisho-testkit}, both scope test).
 */
package dev.sekisho.operator.testing;
