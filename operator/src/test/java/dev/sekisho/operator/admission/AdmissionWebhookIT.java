package dev.sekisho.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.AdmissionRules;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission webhook called by the real kube-apiserver over TLS: a
 * ValidatingWebhookConfiguration with {@code url: https://127.0.0.1:PORT/validate}, whose caBundle
 * the operator itself fills with its own CA. Only namespaces labelled {@value #LABEL} are reviewed,
 * so the other test classes of this JVM (one API server for all) are not affected; the
 * configurations are deleted afterwards.
 */
@WithKubeApiServer(crds = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdmissionWebhookIT {
  static final String LABEL = "sekisho-admission-it";
  static final String BAD = "sha256:" + "b".repeat(64);
  static final String GOOD = "sha256:" + "a".repeat(64);
  static final String UNSCANNED = "sha256:" + "c".repeat(64);
  static final String APP = "registry.example.com/shop/app";

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private RunningOperator operator;
  private final String config = "sekisho-admission-it";
  private final String downConfig = "sekisho-admission-it-down";

  AdmissionWebhookIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    operator =
        RunningOperator.builder(kube, work)
            .matcher(FixtureMatcher.advisories())
            .env("SEKISHO_ADMISSION_ENABLED", "true")
            .env("SEKISHO_ADMISSION_PORT", "0")
            .env("SEKISHO_ADMISSION_WEBHOOK_CONFIG", config)
            // with images in use on, as the chart can install both: the workload inventory's
            // index of the results must not replace the webhook's (it did: nothing was denied)
            .env("SEKISHO_WORKLOADS", "true")
            .env("SEKISHO_WORKLOAD_SCAN", "false")
            .start();
    int port = operator.operator().admissionAddress().orElseThrow().getPort();
    admin
        .resource(webhook(config, "https://127.0.0.1:" + port + "/validate", "Fail", "live"))
        .create();
  }

  @AfterAll
  void stop() {
    for (String name : List.of(config, downConfig)) {
      admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
    }
    if (operator != null) {
      operator.close();
    }
  }

  /**
   * A configuration as the chart renders it (rules for Pods and the workload kinds, sideEffects
   * None, a short timeout), without caBundle: the operator fills it in.
   */
  static ValidatingWebhookConfiguration webhook(
      String name, String url, String failurePolicy, String labelValue) {
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addNewWebhook()
        .withName("images.sekisho.dev")
        .withAdmissionReviewVersions("v1")
        .withSideEffects("None")
        .withFailurePolicy(failurePolicy)
        .withTimeoutSeconds(5)
        .withNewClientConfig()
        .withUrl(url)
        .endClientConfig()
        .withNewNamespaceSelector()
        .addToMatchLabels(LABEL, labelValue)
        .endNamespaceSelector()
        .addNewRule()
        .withApiGroups("")
        .withApiVersions("v1")
        .withOperations("CREATE", "UPDATE")
        .withResources("pods")
        .endRule()
        .addNewRule()
        .withApiGroups("apps")
        .withApiVersions("v1")
        .withOperations("CREATE", "UPDATE")
        .withResources("deployments", "statefulsets", "daemonsets", "replicasets")
        .endRule()
        .addNewRule()
        .withApiGroups("batch")
        .withApiVersions("v1")
        .withOperations("CREATE", "UPDATE")
        .withResources("jobs", "cronjobs")
        .endRule()
        .endWebhook()
        .build();
  }

  /** A reviewed namespace whose ScanPolicy fails critical findings, with {@code admission}. */
  private String namespace(String prefix, AdmissionRules admission) {
    String ns = kube.createNamespace(prefix, Map.of(LABEL, "live"));
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules v = new VulnerabilityRules();
    v.setFailOn(Severity.Critical);
    spec.setVulnerabilities(v);
    spec.setAdmission(admission);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("no-critical").build());
    p.setSpec(spec);
    admin.resource(p).create();
    return ns;
  }

  /** A ScanResult as the scan API writes it, decided by the operator before this returns. */
  private void result(String ns, String name, String image, String digest, boolean critical) {
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    r.getSpec().setImage(image);
    r.getSpec().setDigest(digest);
    r.getSpec().setScannedAt(OffsetDateTime.now(ZoneOffset.UTC));
    if (critical) {
      Finding f = new Finding();
      f.setId("CVE-2024-3094");
      f.setSeverity(Severity.Critical);
      f.setPackageName("xz-utils");
      f.setInstalledVersion("5.6.0-0.2");
      r.getSpec().setFindings(List.of(f));
    }
    admin.resource(r).create();
    Awaiting.until(
        "ScanResult " + ns + "/" + name + " is decided and seen by the webhook's cache",
        () -> {
          var cached = operator.operator().results().byDigest(digest);
          return cached.stream()
              .anyMatch(
                  c ->
                      c.getMetadata().getName().equals(name)
                          && c.getStatus() != null
                          && c.getStatus().getVerdict() != null);
        });
  }

  private void awaitCaBundle() {
    String expected =
        Base64.getEncoder()
            .encodeToString(
                operator
                    .operator()
                    .admissionTls()
                    .orElseThrow()
                    .caBundle()
                    .orElseThrow()
                    .getBytes(StandardCharsets.US_ASCII));
    Awaiting.until(
        "the operator sets its CA as the caBundle of " + config,
        () ->
            expected.equals(
                admin
                    .admissionRegistration()
                    .v1()
                    .validatingWebhookConfigurations()
                    .withName(config)
                    .get()
                    .getWebhooks()
                    .getFirst()
                    .getClientConfig()
                    .getCaBundle()));
  }

  private static Deployment deployment(String ns, String name, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Pod pod(String ns, String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  /** Waits for the caBundle, then for the webhook to answer (its caches synced). */
  private void awaitServing(String ns) {
    awaitCaBundle();
    Awaiting.until(
        "the API server calls the webhook successfully",
        () -> {
          try {
            admin.resource(pod(ns, "probe", APP + "@" + GOOD)).dryRun().create();
            return true;
          } catch (KubernetesClientException e) {
            return false;
          }
        });
  }

  @Test
  void aFailingDigestIsDeniedAtCreateAndAPassingOneAdmitted() {
    String ns = namespace("adm-digest", null);
    result(ns, "app-bad", APP + ":2.0", BAD, true);
    result(ns, "app-good", APP + ":1.0", GOOD, false);
    awaitServing(ns);

    assertThatThrownBy(() -> admin.resource(deployment(ns, "bad", APP + "@" + BAD)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
        .hasMessageContaining("denied the request")
        .hasMessageContaining(APP + "@" + BAD)
        .hasMessageContaining("ScanPolicy/" + ns + "/no-critical")
        .hasMessageContaining("CVE-2024-3094");
    assertThatThrownBy(() -> admin.resource(pod(ns, "bad", APP + "@" + BAD)).create())
        .hasMessageContaining("denied the request");
    // a dry run is decided the same way
    assertThatThrownBy(() -> admin.resource(pod(ns, "bad", APP + "@" + BAD)).dryRun().create())
        .hasMessageContaining("denied the request");
    assertThat(admin.pods().inNamespace(ns).withName("bad").get()).isNull();

    Deployment good = admin.resource(deployment(ns, "good", APP + "@" + GOOD)).create();
    assertThat(good.getMetadata().getUid()).isNotEmpty();
    assertThat(admin.resource(pod(ns, "good", APP + "@" + GOOD)).create()).isNotNull();
  }

  @Test
  void setImageToAFailingDigestIsDeniedAndTheDeploymentKeepsItsImage() {
    String ns = namespace("adm-set-image", null);
    result(ns, "app-bad", APP + ":2.0", BAD, true);
    result(ns, "app-good", APP + ":1.0", GOOD, false);
    awaitServing(ns);
    admin.resource(deployment(ns, "web", APP + "@" + GOOD)).create();

    assertThatThrownBy(
            () ->
                admin
                    .apps()
                    .deployments()
                    .inNamespace(ns)
                    .withName("web")
                    .edit(
                        d -> {
                          d.getSpec()
                              .getTemplate()
                              .getSpec()
                              .getContainers()
                              .getFirst()
                              .setImage(APP + "@" + BAD);
                          return d;
                        }))
        .hasMessageContaining("denied the request");
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getImage())
        .isEqualTo(APP + "@" + GOOD);
    // an edit that changes no image is admitted
    admin
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .edit(
            d -> {
              d.getMetadata().getLabels().put("touched", "yes");
              return d;
            });
  }

  @Test
  void requireScanDeniesAnImageWithoutAnyScanResult() {
    String ns = namespace("adm-require", rules(true, null));
    result(ns, "app-good", APP + ":1.0", GOOD, false);
    awaitServing(ns);

    assertThatThrownBy(() -> admin.resource(pod(ns, "unscanned", APP + "@" + UNSCANNED)).create())
        .hasMessageContaining("has no ScanResult for digest " + UNSCANNED)
        .hasMessageContaining("admission.requireScan");
    CronJob job =
        new CronJobBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName("nightly")
            .endMetadata()
            .withNewSpec()
            .withSchedule("0 1 * * *")
            .withNewJobTemplate()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("job")
            .withImage(APP + "@" + UNSCANNED)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .endJobTemplate()
            .endSpec()
            .build();
    assertThatThrownBy(() -> admin.resource(job).create())
        .hasMessageContaining("spec.jobTemplate.spec.template.spec.containers[job]");
    assertThat(admin.resource(pod(ns, "scanned", APP + "@" + GOOD)).create()).isNotNull();
  }

  @Test
  void tagsAreResolvedFromScanResultsOrDeniedAsThePolicySays() {
    String resolve = namespace("adm-tag-resolve", null);
    result(resolve, "app-bad", APP + ":2.0", BAD, true);
    result(resolve, "app-good", APP + ":1.0", GOOD, false);
    awaitServing(resolve);

    assertThatThrownBy(() -> admin.resource(pod(resolve, "bad", APP + ":2.0")).create())
        .hasMessageContaining(BAD);
    assertThat(admin.resource(pod(resolve, "good", APP + ":1.0")).create()).isNotNull();

    String deny = namespace("adm-tag-deny", rules(null, AdmissionRules.TagPolicy.Deny));
    assertThatThrownBy(() -> admin.resource(pod(deny, "tagged", APP + ":1.0")).create())
        .hasMessageContaining("referenced by tag")
        .hasMessageContaining("admission.tags: Deny");
    // the passing digest scanned in another namespace is evaluated against this one's policy
    assertThat(admin.resource(pod(deny, "pinned", APP + "@" + GOOD)).create()).isNotNull();
    assertThatThrownBy(() -> admin.resource(pod(deny, "pinned-bad", APP + "@" + BAD)).create())
        .hasMessageContaining("ScanPolicy/" + deny + "/no-critical");
  }

  @Test
  void aWebhookThatDoesNotAnswerFailsClosedOrOpenAsItsFailurePolicySays() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once the socket is closed
    }
    String url = "https://127.0.0.1:" + closed + "/validate";
    String failClosed = kube.createNamespace("adm-down-closed", Map.of(LABEL, "down-Fail"));
    String failOpen = kube.createNamespace("adm-down-open", Map.of(LABEL, "down-Ignore"));
    ValidatingWebhookConfiguration down = webhook(downConfig, url, "Fail", "down-Fail");
    var open = webhook(downConfig, url, "Ignore", "down-Ignore").getWebhooks().getFirst();
    open.setName("images-open.sekisho.dev");
    down.getWebhooks().add(open);
    admin.resource(down).create();

    Awaiting.until(
        "the API server refuses a Pod while its fail-closed webhook is down",
        () -> {
          try {
            admin.resource(pod(failClosed, "p", APP + "@" + GOOD)).dryRun().create();
            return false;
          } catch (KubernetesClientException e) {
            return e.getMessage().contains("failed calling webhook");
          }
        });
    assertThat(admin.resource(pod(failOpen, "p", APP + "@" + BAD)).create()).isNotNull();
  }

  private static AdmissionRules rules(Boolean requireScan, AdmissionRules.TagPolicy tags) {
    AdmissionRules r = new AdmissionRules();
    r.setRequireScan(requireScan);
    r.setTags(tags);
    return r;
  }

  @Test
  void theServingCertificateNamesTheWebhookServiceAndIsSetAsCaBundle() throws Exception {
    awaitCaBundle();
    var secret =
        admin.secrets().inNamespace(operator.namespace()).withName("sekisho-scan-api-certs").get();
    String pem =
        new String(
            Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
    var cert =
        (java.security.cert.X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    List<String> names =
        cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
    assertThat(names)
        .contains(
            "sekisho-admission." + operator.namespace() + ".svc",
            "sekisho-scan-api." + operator.namespace() + ".svc",
            "127.0.0.1");
  }
}
