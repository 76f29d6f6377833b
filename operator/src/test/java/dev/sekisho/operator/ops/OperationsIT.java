package dev.sekisho.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.OperatorProcess;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.operator.tls.CertificateIssuer;
import dev.sekisho.operator.tls.PemKeyPair;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.registry.TestCertificates;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's operations surface on a real API server: {@code /healthz}, {@code /readyz} (503
 * until a database is loaded), {@code /metrics} in the Prometheus text format with the result
 * gauges on the leader only, and the scan API's TLS from a mounted certificate directory (PEM,
 * cert-manager's layout) reloaded without a restart.
 */
@WithKubeApiServer(crds = true)
class OperationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(URI base, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of one sample line {@code name{labels} value} of a Prometheus text scrape. */
  private static Optional<Double> sample(String scrape, String nameAndLabels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  private static ScanPolicy noHigh(KubernetesClient admin, String ns) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("no-high").withNamespace(ns).build());
    p.setSpec(spec);
    return admin.resource(p).create();
  }

  private HttpResponse<String> submit(KubeApiServer kube, URI api, String ns) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("image", "registry.example.com/shop/app:1.4.2");
    body.put("digest", "sha256:" + "0a5e".repeat(16));
    body.put("platform", "linux/amd64");
    try (InputStream in = OperationsIT.class.getResourceAsStream("/inventory-vulnerable.json")) {
      body.set("inventory", JSON.readTree(in));
    }
    String token = kube.serviceAccountToken(ns, ScanSubmitters.PIPELINE_SA, Duration.ofMinutes(10));
    return http.send(
        HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/" + ns + "/scans"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesAndPrometheusMetricsWithTheResultGaugesOnTheLeaderOnly(
      KubeApiServer kube, @TempDir Path leaderDir, @TempDir Path followerDir) throws Exception {
    KubernetesClient admin = kube.adminClient();
    try (RunningOperator leader =
        RunningOperator.builder(kube, leaderDir).matcher(FixtureMatcher.advisories()).start()) {
      assertThat(get(leader.healthUrl(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(leader.healthUrl(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(leader.healthUrl(), "/nothing").statusCode()).isEqualTo(404);

      String ns = ScanSubmitters.namespaceWithSubmitter(kube, "metrics");
      noHigh(admin, ns);
      HttpResponse<String> scan = submit(kube, leader.apiUrl(), ns);
      assertThat(scan.statusCode()).as(scan.body()).isEqualTo(200);
      ScanResult mine =
          admin.resources(ScanResult.class).inNamespace(ns).list().getItems().getFirst();
      assertThat(mine.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
      assertThat(mine.getStatus().getViolationCount()).isEqualTo(1);
      // The gauges count every ScanResult of the cluster, including those other test classes
      // left behind (and which this leader may re-evaluate meanwhile): they must come to agree
      // with what the API server holds, this test's failing result included.
      Awaiting.until(
          "the leader's gauges agree with the ScanResults of the cluster",
          () -> gaugesAgree(admin, get(leader.metricsUrl(), "/metrics").body()));

      HttpResponse<String> metrics = get(leader.metricsUrl(), "/metrics");
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue(OperatorProcess.PROMETHEUS_TEXT);
      String scrape = metrics.body();
      assertThat(scrape)
          .contains("# TYPE sekisho_scanresults gauge")
          .contains("# TYPE sekisho_reconcile_seconds histogram")
          .contains("# TYPE sekisho_api_request_seconds histogram");
      assertThat(sample(scrape, "sekisho_leader")).hasValue(1.0);
      assertThat(sample(scrape, "sekisho_scanresults{verdict=\"Fail\"}"))
          .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
      assertThat(sample(scrape, "sekisho_violations"))
          .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
      // this operator's own request and reconcile counters
      assertThat(sample(scrape, "sekisho_api_request_seconds_count{code=\"200\"}")).hasValue(1.0);
      assertThat(sample(scrape, "sekisho_reconcile_seconds_count{controller=\"scanresult\"}"))
          .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
      // the fixture database was built 2026-11-20
      double age =
          Duration.between(Instant.parse("2026-11-20T00:00:00Z"), Instant.now()).toSeconds();
      assertThat(sample(scrape, "sekisho_database_age_seconds"))
          .hasValueSatisfying(a -> assertThat(a).isBetween(age - 60, age + 60));

      // a follower of the same Lease serves probes and its own metrics, not the cluster counts
      try (RunningOperator follower =
          RunningOperator.builder(kube, followerDir)
              .matcher(FixtureMatcher.advisories())
              .env("SEKISHO_NAMESPACE", leader.namespace())
              .start()) {
        // two operators in one process (same HOSTNAME) still hold the Lease under two names
        assertThat(follower.operator().leaseIdentity())
            .isNotEqualTo(leader.operator().leaseIdentity());
        assertThat(
                admin
                    .leases()
                    .inNamespace(leader.namespace())
                    .withName(leader.config().leaseName())
                    .get()
                    .getSpec()
                    .getHolderIdentity())
            .isEqualTo(leader.operator().leaseIdentity());
        String f = get(follower.metricsUrl(), "/metrics").body();
        assertThat(sample(f, "sekisho_leader")).hasValue(0.0);
        assertThat(f).doesNotContain("sekisho_scanresults{").doesNotContain("sekisho_violations ");
        assertThat(get(follower.healthUrl(), "/healthz").statusCode()).isEqualTo(200);
      }

      // a deleted result leaves the leader's counts: they agree with the cluster without it
      admin.resources(ScanResult.class).inNamespace(ns).delete();
      Awaiting.until(
          "the result is gone",
          () -> admin.resources(ScanResult.class).inNamespace(ns).list().getItems().isEmpty());
      Awaiting.until(
          "the leader's gauges agree with the ScanResults of the cluster without the deleted one",
          () -> gaugesAgree(admin, get(leader.metricsUrl(), "/metrics").body()));
    }
  }

  /**
   * Whether the result gauges of {@code scrape} equal the counts of the ScanResults stored in the
   * whole cluster: one sample per verdict, and the violations summed.
   */
  private static boolean gaugesAgree(KubernetesClient admin, String scrape) {
    List<ScanResult> all = admin.resources(ScanResult.class).inAnyNamespace().list().getItems();
    for (Verdict v : Verdict.values()) {
      long stored =
          all.stream()
              .filter(r -> r.getStatus() != null && r.getStatus().getVerdict() == v)
              .count();
      if (sample(scrape, "sekisho_scanresults{verdict=\"" + v.name() + "\"}").orElse(-1.0)
          != stored) {
        return false;
      }
    }
    long violations =
        all.stream()
            .filter(r -> r.getStatus() != null && r.getStatus().getViolationCount() != null)
            .mapToLong(r -> r.getStatus().getViolationCount())
            .sum();
    return sample(scrape, "sekisho_violations").orElse(-1.0) == violations;
  }

  @Test
  void readyzFailsUntilADatabaseIsLoaded(KubeApiServer kube, @TempDir Path work) throws Exception {
    VulnMatcher none = Optional::empty;
    try (RunningOperator operator =
        RunningOperator.builder(kube, work)
            .matcher(none)
            .env("SEKISHO_LEADER_ELECTION", "false")
            .start()) {
      HttpResponse<String> ready = get(operator.healthUrl(), "/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("no vulnerability database loaded");
      assertThat(get(operator.healthUrl(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(
              sample(get(operator.metricsUrl(), "/metrics").body(), "sekisho_database_age_seconds"))
          .hasValueSatisfying(v -> assertThat(v).isNaN());
    }
  }

  @Test
  void theScanApiServesTheMountedPemCertificateAndReloadsIt(KubeApiServer kube, @TempDir Path work)
      throws Exception {
    // cert-manager's layout: tls.crt, tls.key (PKCS#1 RSA by default: here EC PKCS#8), ca.crt
    Path tls = Files.createDirectories(work.resolve("tls"));
    Instant now = Instant.now();
    PemKeyPair ca = CertificateIssuer.newAuthority("cert-manager-ca", now, Duration.ofDays(365));
    List<String> hosts = List.of("sekisho-scan-api.sekisho-system.svc", "127.0.0.1");
    PemKeyPair first = CertificateIssuer.issueServing(ca, hosts, now, Duration.ofDays(90));
    Files.writeString(tls.resolve("tls.crt"), first.certificatePem());
    Files.writeString(tls.resolve("tls.key"), first.privateKeyPem());
    Files.writeString(tls.resolve("ca.crt"), ca.certificatePem());

    try (RunningOperator operator =
        RunningOperator.builder(kube, work)
            .matcher(FixtureMatcher.advisories())
            .https()
            .env("SEKISHO_API_TLS_DIR", tls.toString())
            .env("SEKISHO_API_TLS_REFRESH", "1s")
            .start()) {
      assertThat(served(operator.apiUrl(), ca)).isEqualTo(first.certificate().getSerialNumber());
      // the mounted CA is what the operator publishes; it issues no CA of its own
      assertThat(operator.caBundle()).isEqualTo(ca.certificatePem());
      Awaiting.until(
          "the mounted CA is published in a pipeline namespace",
          () -> {
            var cm =
                kube.adminClient()
                    .configMaps()
                    .inNamespace(operator.namespace())
                    .withName("sekisho-scan-api-ca")
                    .get();
            return cm != null && ca.certificatePem().equals(cm.getData().get("ca.crt"));
          });
      assertThat(
              kube.adminClient()
                  .secrets()
                  .inNamespace(operator.namespace())
                  .withName("sekisho-scan-api-certs")
                  .get())
          .isNull();

      // cert-manager renews: the kubelet updates the mounted files; no restart
      PemKeyPair second = CertificateIssuer.issueServing(ca, hosts, now, Duration.ofDays(90));
      Files.writeString(tls.resolve("tls.key"), second.privateKeyPem());
      Files.writeString(tls.resolve("tls.crt"), second.certificatePem());
      Awaiting.until(
          "the renewed certificate is served",
          () -> {
            try {
              return served(operator.apiUrl(), ca).equals(second.certificate().getSerialNumber());
            } catch (Exception e) {
              return false;
            }
          });
    }
  }

  /** The serial number of the certificate the scan API serves, verified against {@code ca}. */
  private static java.math.BigInteger served(URI api, PemKeyPair ca) throws Exception {
    SSLContext ctx = TestCertificates.trusting(ca.certificatePem());
    try (HttpClient client = HttpClient.newBuilder().sslContext(ctx).build()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/default/scans"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
          .getSerialNumber();
    }
  }
}
