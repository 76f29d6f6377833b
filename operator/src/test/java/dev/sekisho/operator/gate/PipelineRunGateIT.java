package dev.sekisho.operator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.operator.testing.PipelineRuns;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every outcome of the gate other than a plain stop, on a real API server with Tekton's PipelineRun
 * CRD: a run in another namespace, a missing run, a run someone else cancelled, a run that changes
 * between the gate's read and its patch (409: read again and decide again), and a gate without the
 * right to patch runs (403). A concurrent writer is a fabric8 request interceptor that changes the
 * run through the admin client just before the gate's patch goes out, so the conflict is the API
 * server's own.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PipelineRunGateIT {
  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private String ns;

  PipelineRunGateIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeEach
  void namespace() {
    PipelineRuns.installCrd(admin);
    ns = kube.createNamespace("gate");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private GenericKubernetesResource running(String name) {
    return PipelineRuns.running(admin, ns, name, "build-and-deploy", "pipeline");
  }

  /** A failing result of {@code run} as the scan API writes it (not stored: the gate reads it). */
  private ScanResult resultOf(GenericKubernetesResource run, String sourceNamespace) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(run.getMetadata().getName() + "-5e1f5e1f5e1f")
            .withNamespace(ns)
            .build());
    ScanSource source = new ScanSource();
    source.setNamespace(sourceNamespace);
    source.setPipelineRun(run.getMetadata().getName());
    source.setPipelineRunUid(run.getMetadata().getUid());
    r.getSpec().setSource(source);
    return r;
  }

  private GenericKubernetesResource get(String name) {
    return PipelineRuns.get(admin, ns, name);
  }

  private record Racing(KubernetesClient client, AtomicInteger raced) {}

  /** An admin client that runs {@code race} before each PATCH of a PipelineRun it sends. */
  private Racing racing(Runnable race) {
    AtomicInteger raced = new AtomicInteger();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(kube.adminConfig())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "race",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            if (request.method().equals("PATCH")
                                && request.uri().getPath().contains("/pipelineruns/")) {
                              raced.incrementAndGet();
                              race.run();
                            }
                          }
                        }))
            .build();
    closing.add(client);
    return new Racing(client, raced);
  }

  @Test
  void aRunNamedInAnotherNamespaceIsNotTouched() {
    GenericKubernetesResource run = running("build-1");

    GateOutcome outcome = new PipelineRunGate(admin).stop(resultOf(run, "elsewhere"));

    assertThat(outcome.stopped()).isFalse();
    assertThat(outcome.reason()).isEqualTo(GateOutcome.OTHER_NAMESPACE);
    assertThat(outcome.message())
        .isEqualTo("PipelineRun elsewhere/build-1 is not in the result's namespace");
    assertThat(get("build-1").getMetadata().getResourceVersion())
        .isEqualTo(run.getMetadata().getResourceVersion());
  }

  @Test
  void aMissingRunIsNotFound() {
    GenericKubernetesResource run = running("build-1");
    admin.resource(run).delete();
    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> gone =
        admin
            .genericKubernetesResources(PipelineRuns.API_VERSION, PipelineRuns.KIND)
            .inNamespace(ns)
            .withName("build-1");
    gone.waitUntilCondition(r -> r == null, 2, TimeUnit.MINUTES);

    GateOutcome outcome = new PipelineRunGate(admin).stop(resultOf(run, ns));

    assertThat(outcome.stopped()).isFalse();
    assertThat(outcome.reason()).isEqualTo(GateOutcome.NOT_FOUND);
    assertThat(outcome.message()).isEqualTo("PipelineRun build-1 not found");
  }

  @Test
  void aRunSomeoneElseCancelledIsLeftAlone() {
    running("build-1");
    GenericKubernetesResource cancelled =
        admin
            .genericKubernetesResources(PipelineRuns.API_VERSION, PipelineRuns.KIND)
            .inNamespace(ns)
            .withName("build-1")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"status\":\"Cancelled\"}}");

    GateOutcome outcome = new PipelineRunGate(admin).stop(resultOf(cancelled, ns));

    assertThat(outcome.stopped()).isFalse();
    assertThat(outcome.reason()).isEqualTo(GateOutcome.ALREADY_CANCELLED);
    assertThat(outcome.message())
        .isEqualTo("PipelineRun build-1 already has spec.status Cancelled");
    GenericKubernetesResource after = get("build-1");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(cancelled.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void aRunChangedBetweenReadAndPatchIsReadAgainAndStopped() {
    GenericKubernetesResource run = running("build-1");
    AtomicInteger edits = new AtomicInteger();
    Racing racing =
        racing(
            () -> {
              // someone else changes the run once, just before the gate's first patch
              if (edits.getAndIncrement() == 0) {
                admin
                    .genericKubernetesResources(PipelineRuns.API_VERSION, PipelineRuns.KIND)
                    .inNamespace(ns)
                    .withName("build-1")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"other-writer\":\"was-here\"}}}");
              }
            });

    GateOutcome outcome = new PipelineRunGate(racing.client()).stop(resultOf(run, ns));

    assertThat(racing.raced()).as("a patch that conflicted, then one that did not").hasValue(2);
    assertThat(outcome.stopped()).isTrue();
    assertThat(outcome.reason()).isEqualTo(GateOutcome.STOPPED);
    GenericKubernetesResource after = get("build-1");
    assertThat(PipelineRuns.specStatus(after)).isEqualTo(PipelineRunGate.CANCELLED_RUN_FINALLY);
    assertThat(after.getMetadata().getLabels()).containsEntry("other-writer", "was-here");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(PipelineRunGate.STOPPED_BY, "build-1-5e1f5e1f5e1f");
  }

  @Test
  void aRunThatFinishedBetweenReadAndPatchIsNotCancelled() {
    GenericKubernetesResource run = running("build-1");
    Racing racing =
        racing(
            () ->
                admin
                    .genericKubernetesResources(PipelineRuns.API_VERSION, PipelineRuns.KIND)
                    .inNamespace(ns)
                    .withName("build-1")
                    .subresource("status")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"status\":{\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"True\","
                            + "\"reason\":\"Succeeded\","
                            + "\"lastTransitionTime\":\"2026-11-23T10:05:00Z\"}]}}"));

    GateOutcome outcome = new PipelineRunGate(racing.client()).stop(resultOf(run, ns));

    assertThat(racing.raced()).hasValue(1);
    assertThat(outcome.stopped()).isFalse();
    assertThat(outcome.reason()).isEqualTo(GateOutcome.DONE);
    assertThat(outcome.message()).isEqualTo("PipelineRun build-1 is done (Succeeded=True)");
    assertThat(PipelineRuns.specStatus(admin, ns, "build-1")).isNull();
  }

  @Test
  void aGateThatMayNotPatchRunsFailsWith403AndLeavesTheRun() {
    GenericKubernetesResource run = running("build-1");
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("read-pipelineruns")
                .withNamespace(ns)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("tekton.dev")
                        .withResources("pipelineruns")
                        .withVerbs("get")
                        .build())
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("operator-reads-pipelineruns")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "read-pipelineruns")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("operator")
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    KubernetesClient readOnly = kube.impersonatingServiceAccount(ns, "operator");
    closing.add(readOnly);

    assertThatThrownBy(() -> new PipelineRunGate(readOnly).stop(resultOf(run, ns)))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getMessage()).contains("pipelineruns").contains("patch");
            });
    assertThat(get("build-1").getMetadata().getResourceVersion())
        .isEqualTo(run.getMetadata().getResourceVersion());
  }

  @Test
  void aRunWithTheStoppedByAnnotationIsNotPatchedAgain() {
    GenericKubernetesResource run = running("build-1");
    PipelineRunGate gate = new PipelineRunGate(admin);
    assertThat(gate.stop(resultOf(run, ns)).stopped()).isTrue();
    String rv = get("build-1").getMetadata().getResourceVersion();

    GateOutcome again = gate.stop(resultOf(run, ns));

    assertThat(again.stopped()).isTrue();
    assertThat(again.reason()).isEqualTo(GateOutcome.STOPPED);
    assertThat(get("build-1").getMetadata().getResourceVersion()).isEqualTo(rv);
  }
}
