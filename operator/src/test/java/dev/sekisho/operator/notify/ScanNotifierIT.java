package dev.sekisho.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.JiraSink;
import dev.sekisho.api.v1alpha1.NotificationSink;
import dev.sekisho.api.v1alpha1.ScanNotifier;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.SecretReference;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.SinkStatus;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.api.v1alpha1.WebhookSink;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.reconcile.ScanResultReconciler;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ScanNotifier on the real kube-apiserver: the ScanResult controller and the notifier run as the
 * operator registers them (one ScanResult informer), with a webhook receiver and a Jira stand-in on
 * 127.0.0.1, and a real ScanPolicy deciding the verdicts. A failing result put in use is notified
 * once to each sink although the webhook fails first (retried); what each sink was told is recorded
 * on the result; an operator restart sends nothing again; a fixed advisory moves its Jira issue to
 * Done and the verdict's return to Pass is a webhook event.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ScanNotifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASIC =
      "Basic "
          + Base64.getEncoder().encodeToString("bot:jira-token".getBytes(StandardCharsets.UTF_8));
  private static final String DIGEST = "sha256:" + "cd".repeat(32);

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  @TempDir Path storeDir;

  ScanNotifierIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  /** The two controllers as SekishoOperator registers them, and the delivery queue. */
  private record Running(Operator operator, Dispatcher dispatcher) implements AutoCloseable {
    @Override
    public void close() {
      operator.stop();
      dispatcher.close();
    }
  }

  private Running start(String operatorNamespace) {
    Clock clock = Clock.systemUTC();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ScanResultCache results = new ScanResultCache();
    Dispatcher dispatcher =
        new Dispatcher(100, Duration.ofMillis(50), Duration.ofSeconds(1), clock, meters);
    Operator operator =
        new Operator(o -> o.withKubernetesClient(admin).withCloseClientOnStop(false));
    operator.register(
        new ScanResultReconciler(
            new ResultEvaluator(new ReportStore(storeDir)),
            new PipelineRunGate(admin),
            new EventRecorder(admin, "notify-it", clock),
            clock,
            meters,
            results),
        o -> o.withItemStore(results));
    operator.register(
        new ScanNotifierReconciler(admin, results, dispatcher, operatorNamespace, clock));
    operator.start();
    return new Running(operator, dispatcher);
  }

  private ScanResult result(String ns, String name) {
    return admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
  }

  /** Creates a result, waits for the ScanResult controller's verdict, then marks it in use. */
  private void createInUse(String ns, String name, Finding... findings) {
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    r.getSpec().setImage("registry.example/shop/" + name + ":1.0");
    r.getSpec().setDigest(DIGEST);
    r.getSpec().setFindings(new ArrayList<>(List.of(findings)));
    admin.resource(r).create();
    markInUseWhenDecided(ns, name);
  }

  /**
   * As the workload inventory does: once the controller has decided the current generation, the
   * status says two pods of a Deployment run the image (written through the status subresource).
   */
  private void markInUseWhenDecided(String ns, String name) {
    Awaiting.until(
        name + " decided",
        () -> {
          ScanResult r = result(ns, name);
          return r.getStatus() != null
              && r.getStatus().getVerdict() != null
              && r.getMetadata().getGeneration().equals(r.getStatus().getObservedGeneration());
        });
    admin
        .resources(ScanResult.class)
        .inNamespace(ns)
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"inUse\":{\"pods\":2,\"workloadCount\":1,"
                + "\"workloads\":[{\"kind\":\"Deployment\",\"name\":\"shop\",\"pods\":2}]}}}");
  }

  private static Finding finding(String id, Severity severity) {
    Finding f = new Finding();
    f.setId(id);
    f.setType("vulnerability");
    f.setSeverity(severity);
    f.setPackageName("zlib");
    f.setInstalledVersion("1.2.11");
    f.setFixedVersion("1.2.12");
    return f;
  }

  private void notifier(String ns, String name, Receiver receiver, FakeJira jira) {
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("hook-token")
                .endMetadata()
                .withStringData(Map.of("token", "t0ken"))
                .build())
        .create();
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("jira-login")
                .endMetadata()
                .withStringData(Map.of("user", "bot", "token", "jira-token"))
                .build())
        .create();
    ScanNotifier n = new ScanNotifier();
    n.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    n.getSpec().setMinSeverity(Severity.High);
    NotificationSink hook = new NotificationSink();
    hook.setName("hook");
    WebhookSink webhook = new WebhookSink();
    webhook.setUrl(receiver.url("/events").toString());
    webhook.setSecretRef(new SecretReference("hook-token"));
    hook.setWebhook(webhook);
    NotificationSink tickets = new NotificationSink();
    tickets.setName("tickets");
    JiraSink j = new JiraSink();
    j.setUrl(jira.url().toString());
    j.setProject("SEC");
    j.setDoneTransition("Done");
    j.setSecretRef(new SecretReference("jira-login"));
    tickets.setJira(j);
    n.getSpec().setSinks(new ArrayList<>(List.of(hook, tickets)));
    admin.resource(n).create();
  }

  private List<JsonNode> events(Receiver receiver) {
    return receiver.requests.stream()
        .map(
            r -> {
              try {
                return JSON.readTree(r.body());
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            })
        .toList();
  }

  @Test
  void notifiesOnceRetriesSurvivesARestartAndClosesFixedIssues() throws Exception {
    String ns = kube.createNamespace("notify");
    try (Receiver receiver = new Receiver();
        FakeJira jira = new FakeJira(BASIC)) {
      receiver.failNext.set(1); // the webhook is down at first
      ScanPolicy policy = new ScanPolicy();
      policy.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("no-high").build());
      VulnerabilityRules rules = new VulnerabilityRules();
      rules.setFailOn(Severity.High);
      policy.getSpec().setVulnerabilities(rules);
      admin.resource(policy).create();
      Running running = start("sekisho-system");
      try {
        createInUse(
            ns,
            "a-app",
            finding("CVE-2026-1111", Severity.High),
            finding("CVE-2026-2222", Severity.Low));
        notifier(ns, "team", receiver, jira);

        String hookKey = NotifiedState.annotationKey(ns, "team", "hook");
        String jiraKey = NotifiedState.annotationKey(ns, "team", "tickets");
        Awaiting.until(
            "both sinks told about a-app",
            () -> {
              Map<String, String> a = result(ns, "a-app").getMetadata().getAnnotations();
              return a != null && a.containsKey(hookKey) && a.containsKey(jiraKey);
            });
        // one failed attempt and its retry, the same event
        assertThat(receiver.requests).hasSize(2);
        List<JsonNode> events = events(receiver);
        assertThat(events.get(0).path("id")).isEqualTo(events.get(1).path("id"));
        assertThat(events.get(1).path("type").asText())
            .isEqualTo(CloudEventsWebhook.TYPE_VERDICT_CHANGED);
        assertThat(events.get(1).path("data").path("verdict").asText()).isEqualTo("Fail");
        assertThat(events.get(1).path("data").path("decidingPolicy").asText()).contains("no-high");
        assertThat(events.get(1).path("data").path("newFindings").get(0).path("id").asText())
            .isEqualTo("CVE-2026-1111");
        assertThat(receiver.requests.get(1).header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(jira.creates.get()).isEqualTo(1);
        assertThat(NotifiedState.recorded(result(ns, "a-app"), hookKey).findings())
            .containsExactly("CVE-2026-1111");
        Awaiting.until(
            "notifier status shows the delivery",
            () -> {
              ScanNotifier n =
                  admin.resources(ScanNotifier.class).inNamespace(ns).withName("team").get();
              return n.getStatus() != null
                  && n.getStatus().getConditions().stream()
                      .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"))
                  && n.getStatus().getSinks().stream()
                      .filter(s -> s.getName().equals("hook"))
                      .anyMatch(s -> s.getLastDelivered() != null && s.getLastError() == null);
            });
      } finally {
        running.close();
      }

      // a restart: the new operator finds what each sink was told and sends nothing again
      running = start("sekisho-system");
      try {
        createInUse(ns, "z-new", finding("CVE-2026-3333", Severity.Critical));
        Awaiting.until("z-new notified", () -> receiver.requests.size() >= 3);
        // a resend of a-app would have been queued in the first pass, before z-new (results are
        // visited in name order and each sink delivers in order), so it would be here by now
        assertThat(receiver.requests).hasSize(3);
        assertThat(events(receiver).get(2).path("source").asText()).endsWith("/scanresults/z-new");
        Awaiting.until("z-new's issue", () -> jira.creates.get() == 2);

        // the advisory is fixed in a-app (a re-match): its issue is commented and closed, and the
        // webhook hears that the verdict is back to Pass
        ScanResult a = result(ns, "a-app");
        a.getSpec().setFindings(new ArrayList<>(List.of(finding("CVE-2026-2222", Severity.Low))));
        admin.resource(a).update();
        markInUseWhenDecided(ns, "a-app");
        String label = JiraIssues.label(DIGEST, "CVE-2026-1111");
        Awaiting.until(
            "CVE-2026-1111's issue done",
            () -> jira.withLabel(label).stream().anyMatch(i -> i.done));
        assertThat(jira.withLabel(label)).hasSize(1);
        assertThat(jira.withLabel(label).get(0).comments).hasSize(1);
        Awaiting.until("a-app's Pass", () -> receiver.requests.size() >= 4);
        JsonNode pass = events(receiver).get(3);
        assertThat(pass.path("source").asText()).endsWith("/scanresults/a-app");
        assertThat(pass.path("type").asText()).isEqualTo(CloudEventsWebhook.TYPE_VERDICT_CHANGED);
        assertThat(pass.path("data").path("verdict").asText()).isEqualTo("Pass");
        assertThat(pass.path("data").path("previousVerdict").asText()).isEqualTo("Fail");
        assertThat(pass.path("data").path("fixedFindings").get(0).asText())
            .isEqualTo("CVE-2026-1111");
        assertThat(jira.creates.get()).isEqualTo(2);
      } finally {
        running.close();
      }
    }
  }

  @Test
  void missingSecretAndForeignSelectorAreNotReady() {
    String ns = kube.createNamespace("notify-bad");
    try (Running running = start("sekisho-system")) {
      ScanNotifier n = new ScanNotifier();
      n.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("broken").build());
      n.getSpec().setNamespaceSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
      NotificationSink slack = new NotificationSink();
      slack.setName("chat");
      dev.sekisho.api.v1alpha1.SlackSink s = new dev.sekisho.api.v1alpha1.SlackSink();
      s.setSecretRef(new SecretReference("no-such-secret"));
      slack.setSlack(s);
      n.getSpec().setSinks(new ArrayList<>(List.of(slack)));
      admin.resource(n).create();

      Awaiting.until(
          "Ready=False",
          () -> {
            ScanNotifier got =
                admin.resources(ScanNotifier.class).inNamespace(ns).withName("broken").get();
            return got.getStatus() != null
                && got.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));
          });
      String message =
          admin
              .resources(ScanNotifier.class)
              .inNamespace(ns)
              .withName("broken")
              .get()
              .getStatus()
              .getConditions()
              .get(0)
              .getMessage();
      assertThat(message)
          .contains(
              "namespaceSelector is only honoured for a ScanNotifier in the operator's namespace sekisho-system")
          .contains("sink chat: Secret no-such-secret not found in the notifier's namespace");
      List<SinkStatus> sinks =
          admin
              .resources(ScanNotifier.class)
              .inNamespace(ns)
              .withName("broken")
              .get()
              .getStatus()
              .getSinks();
      assertThat(sinks).isEmpty();
    }
  }
}
