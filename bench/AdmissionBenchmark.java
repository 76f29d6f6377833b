import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.AdmissionRules;
import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.admission.AdmissionDecider;
import dev.sekisho.operator.admission.AdmissionServer;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.scanapi.ScanApiServer;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.tls.CertificateIssuer;
import dev.sekisho.operator.tls.PemKeyPair;
import dev.sekisho.operator.tls.ReloadingKeyManager;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Admission decision latency with RESULTS ScanResults cached (10,000 by default): the decision
 * alone (AdmissionDecider over map indexes, which is what the informer's indexes are), and a whole
 * AdmissionReview over HTTPS to the AdmissionServer on 127.0.0.1 (TLS handshake once, then one
 * connection, as the API server keeps one). Run with bench/admission.sh.
 *
 * <p>Data (seed 42): RESULTS results spread over 100 namespaces, each a distinct digest scanned
 * under a tag; a fifth with a Critical finding. Namespaces ns-0..ns-9 have an Enforce ScanPolicy
 * (no Critical, requireScan). Requests, in turn: a digest decided in the pod's own namespace, a
 * digest scanned only in another namespace (evaluated then and there), a tag (resolved), an
 * unscanned digest (refused by requireScan).
 */
public class AdmissionBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    Random random = new Random(42);
    Path work = Files.createTempDirectory("sekisho-admission-bench");
    ResultEvaluator evaluator = new ResultEvaluator(new ReportStore(work.resolve("store")));

    Map<String, List<ScanPolicy>> policies = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      ScanPolicySpec spec = new ScanPolicySpec();
      spec.setAction(PolicyAction.Enforce);
      VulnerabilityRules v = new VulnerabilityRules();
      v.setFailOn(Severity.Critical);
      spec.setVulnerabilities(v);
      AdmissionRules rules = new AdmissionRules();
      rules.setRequireScan(true);
      spec.setAdmission(rules);
      ScanPolicy p = new ScanPolicy();
      p.setMetadata(new ObjectMetaBuilder().withNamespace("ns-" + i).withName("no-critical").build());
      p.setSpec(spec);
      policies.put("ns-" + i, List.of(p));
    }
    Map<String, List<ScanResult>> byDigest = new HashMap<>();
    Map<String, List<ScanResult>> byTag = new HashMap<>();
    List<ScanResult> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ns = "ns-" + (i % 100);
      ScanResult r = new ScanResult();
      r.setMetadata(
          new ObjectMetaBuilder().withNamespace(ns).withName("r-" + i).withGeneration(1L).build());
      r.getSpec().setImage("registry.example.com/team" + (i % 50) + "/app" + i + ":1." + i);
      r.getSpec().setDigest("sha256:" + String.format("%064x", i));
      r.getSpec().setScannedAt(OffsetDateTime.of(2026, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC));
      List<Finding> findings = new ArrayList<>();
      for (int f = 0; f < 1 + random.nextInt(20); f++) {
        Finding x = new Finding();
        x.setId("CVE-2025-" + (10000 + random.nextInt(90000)));
        x.setSeverity(i % 5 == 0 && f == 0 ? Severity.Critical : Severity.Medium);
        x.setPackageName("pkg-" + random.nextInt(500));
        x.setInstalledVersion("1.0." + f);
        findings.add(x);
      }
      r.getSpec().setFindings(findings);
      var selected =
          PolicyScope.select(r, Map.of(), policies.getOrDefault(ns, List.of()), List.of());
      r.setStatus(ResultEvaluator.statusFor(r, evaluator.evaluate(r, selected, now), now));
      byDigest.computeIfAbsent(r.getSpec().getDigest(), k -> new ArrayList<>()).add(r);
      byTag.computeIfAbsent(ScanResultCache.tagOf(r.getSpec().getImage()), k -> new ArrayList<>()).add(r);
      all.add(r);
    }
    AdmissionDecider.Inputs inputs =
        new AdmissionDecider.Inputs() {
          public Map<String, String> namespaceLabels(String ns) {
            return Map.of();
          }

          public Collection<ScanPolicy> scanPolicies(String ns) {
            return policies.getOrDefault(ns, List.of());
          }

          public Collection<ClusterScanPolicy> clusterPolicies() {
            return List.of();
          }

          public List<ScanResult> byDigest(String digest) {
            return byDigest.getOrDefault(digest, List.of());
          }

          public List<ScanResult> byTag(String tag) {
            return byTag.getOrDefault(tag, List.of());
          }
        };
    AdmissionDecider decider = new AdmissionDecider(inputs, evaluator::evaluate);

    String[] kinds = {"own-namespace", "other-namespace", "tag", "unscanned"};
    int rounds = 50_000;
    long[][] times = new long[kinds.length][rounds];
    int denied = 0;
    for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT up
      for (int i = 0; i < rounds; i++) {
        for (int k = 0; k < kinds.length; k++) {
          int idx = random.nextInt(n);
          ScanResult r = all.get(idx);
          String ns = "ns-" + (idx % 10); // a namespace with the policy
          String image =
              switch (k) {
                case 0 -> {
                  r = all.get((idx / 100) * 100 + (idx % 10));
                  ns = r.getMetadata().getNamespace();
                  yield r.getSpec().getImage() + "@" + r.getSpec().getDigest();
                }
                case 1 -> {
                  r = all.get((idx / 100) * 100 + 10 + (idx % 90));
                  yield r.getSpec().getImage() + "@" + r.getSpec().getDigest();
                }
                case 2 -> r.getSpec().getImage();
                default -> "registry.example.com/x/y@sha256:" + String.format("%064x", n + idx);
              };
          var images = List.of(new AdmissionDecider.Image("spec.containers[app]", image));
          long t0 = System.nanoTime();
          var d = decider.decide(ns, images, now);
          times[k][i] = System.nanoTime() - t0;
          if (pass == 1 && !d.allowed()) {
            denied++;
          }
        }
      }
    }
    System.out.printf("results=%d decisions=%d denied=%d%n", n, rounds * kinds.length, denied);
    for (int k = 0; k < kinds.length; k++) {
      long[] t = times[k];
      Arrays.sort(t);
      System.out.printf(
          "BENCH admission-decision %s results=%d p50=%.1fus p99=%.1fus max=%.1fus%n",
          kinds[k], n, t[t.length / 2] / 1e3, t[(int) (t.length * 0.99)] / 1e3, t[t.length - 1] / 1e3);
    }

    // the whole AdmissionReview over HTTPS, on one kept-alive connection
    PemKeyPair ca = CertificateIssuer.newAuthority("bench-ca", Instant.now(), Duration.ofDays(1));
    PemKeyPair serving =
        CertificateIssuer.issueServing(ca, List.of("127.0.0.1"), Instant.now(), Duration.ofDays(1));
    SSLContext serverTls = ReloadingKeyManager.serverContext(new ReloadingKeyManager(serving));
    ObjectMapper json = ScanApiServer.json();
    try (AdmissionServer server =
        new AdmissionServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            serverTls,
            decider::decide,
            () -> true,
            json,
            new SimpleMeterRegistry(),
            Clock.systemUTC())) {
      server.start();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext clientTls = SSLContext.getInstance("TLS");
      clientTls.init(null, tmf.getTrustManagers(), null);
      HttpClient client =
          HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + AdmissionServer.PATH);
      int requests = 5_000;
      long[] t = new long[requests];
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < requests; i++) {
          int idx = random.nextInt(n);
          ScanResult r = all.get((idx / 100) * 100 + (idx % 10));
          String body =
              "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
                  + "\"uid\":\"u-" + i + "\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},"
                  + "\"namespace\":\"" + r.getMetadata().getNamespace() + "\",\"operation\":\"CREATE\","
                  + "\"object\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
                  + r.getSpec().getImage() + "@" + r.getSpec().getDigest() + "\"}]}}}}}}";
          long t0 = System.nanoTime();
          HttpResponse<String> resp =
              client.send(
                  HttpRequest.newBuilder(uri)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          t[i] = System.nanoTime() - t0;
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
          }
        }
      }
      Arrays.sort(t);
      System.out.printf(
          "BENCH admission-https deployment results=%d p50=%.1fus p99=%.1fus max=%.1fus%n",
          n, t[requests / 2] / 1e3, t[(int) (requests * 0.99)] / 1e3, t[requests - 1] / 1e3);
    }
  }
}
