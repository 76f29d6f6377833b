package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.testkit.SekishoIntegrationTest;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tekton step trusts the operator on plain Kubernetes with no {@code --server-ca}: the operator
 * serves HTTPS with its own CA and publishes the CA bundle as the ConfigMap {@code
 * sekisho-scan-api-ca} in the pipeline's namespace; the scan-image Task mounts it (an optional
 * configMap volume) and names the file in {@code SEKISHO_PUBLISHED_CA}; the step verifies the scan
 * API with it. Without the mounted bundle the step fails closed and says where the CA comes from.
 */
@SekishoIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepTrustsPublishedCaIT {
  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final TestRegistry registry;
  private final Fixtures fixtures;
  private RunningOperator operator;

  @TempDir Path work;

  StepTrustsPublishedCaIT(KubeApiServer kube, TestRegistry registry, Fixtures fixtures) {
    this.kube = kube;
    this.admin = kube.adminClient();
    this.registry = registry;
    this.fixtures = fixtures;
  }

  @BeforeAll
  void startOperator(@TempDir Path setup) throws Exception {
    operator =
        RunningOperator.builder(kube, setup).matcher(FixtureMatcher.advisories()).https().start();
  }

  @AfterAll
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  /** The ConfigMap's ca.crt as the kubelet mounts it for the step: a file in a directory. */
  private Path mountPublishedCa(String ns) throws Exception {
    Awaiting.until(
        "the operator publishes its CA in " + ns,
        () -> admin.configMaps().inNamespace(ns).withName("sekisho-scan-api-ca").get() != null);
    ConfigMap cm = admin.configMaps().inNamespace(ns).withName("sekisho-scan-api-ca").get();
    Path dir = Files.createDirectories(work.resolve("mounts").resolve(ns));
    return Files.writeString(dir.resolve("ca.crt"), cm.getData().get("ca.crt"));
  }

  private CliRun step(String ns, PushedImage image, Path results, Path publishedCa)
      throws Exception {
    Path token = Files.createTempFile(work, "token-", "");
    Files.writeString(
        token, kube.serviceAccountToken(ns, ScanSubmitters.PIPELINE_SA, Duration.ofMinutes(10)));
    Map<String, String> env = new HashMap<>();
    env.put("HOME", work.resolve("home").toString());
    env.put("SEKISHO_NAMESPACE", ns);
    env.put("SEKISHO_REPORTS_DIR", "");
    env.put("DOCKER_CONFIG", "");
    // what the Task sets: the optional volume's file, whether or not the ConfigMap exists
    env.put("SEKISHO_PUBLISHED_CA", publishedCa.toString());
    return CliRun.run(
        env,
        "scan",
        image.tagReference(),
        "--digest=",
        "--platform=linux/amd64",
        "--server=" + operator.apiUrl(),
        "--tekton-results-dir=" + results,
        "--insecure-registry",
        registry.hostPort(),
        "--token-file=" + token,
        "--namespace=" + ns);
  }

  @Test
  void theStepTrustsTheScanApiByThePublishedCa() throws Exception {
    String ns = ScanSubmitters.namespaceWithSubmitter(kube, "step-tls");
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("no-high").withNamespace(ns).build());
    p.setSpec(spec);
    admin.resource(p).create();
    PushedImage clean = registry.push(fixtures.get(FixtureImage.CLEAN));
    Path ca = mountPublishedCa(ns);
    Path results = work.resolve("results-tls");

    CliRun r = step(ns, clean, results, ca);

    assertThat(operator.apiUrl().getScheme()).isEqualTo("https");
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(Files.readString(results.resolve("VERDICT"))).isEqualTo("Pass");
    ScanResult stored =
        admin
            .resources(ScanResult.class)
            .inNamespace(ns)
            .withName(Files.readString(results.resolve("SCAN_RESULT")))
            .get();
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Pass);
  }

  @Test
  void withoutThePublishedCaTheStepFailsClosedAndSaysWhereTheCaComesFrom() throws Exception {
    String ns = ScanSubmitters.namespaceWithSubmitter(kube, "step-notls");
    PushedImage clean = registry.push(fixtures.get(FixtureImage.CLEAN));
    Path results = work.resolve("results-notls");

    // the optional volume is empty: the ConfigMap is missing in this namespace
    CliRun r = step(ns, clean, results, work.resolve("mounts/absent/ca.crt"));

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.err())
        .contains("TLS with the Sekisho scan API at " + operator.apiUrl())
        .contains("sekisho-scan-api-ca");
    assertThat(Files.readString(results.resolve("VERDICT"))).isEqualTo("Error");
    assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
  }
}
