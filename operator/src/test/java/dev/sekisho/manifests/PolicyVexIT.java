package dev.sekisho.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.ConfigMapKeyReference;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VexSource;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.evaluate.PolicyVex;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies referencing VEX documents in ConfigMaps, on a real API server, read by the operator's
 * ServiceAccount under the shipped RBAC (manifests/operator/base/rbac.yaml): the sekisho-vex
 * ConfigMap of the policy's namespace suppresses the finding; a ConfigMap of another name is
 * refused by the authorizer and the evaluation fails closed, naming it.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PolicyVexIT {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final String DIGEST = "sha256:" + "e".repeat(64);
  private static final String OPENVEX =
      """
      {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
       "author": "Team", "timestamp": "2026-12-01T00:00:00Z", "version": 1,
       "statements": [{"vulnerability": {"name": "GHSA-jfh8-c2jp-5v3q"},
         "products": [{"@id": "pkg:oci/app@%s?repository_url=registry.example.com/team/app",
                       "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}],
         "status": "not_affected", "justification": "vulnerable_code_not_present"}]}
      """
          .formatted(DIGEST.replace(":", "%3A"));

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  @TempDir Path storeDir;
  private String operatorNs;
  private String teamNs;
  private KubernetesClient operator;

  PolicyVexIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  /** The shipped operator RBAC, renamed per test, bound to a ServiceAccount the test acts as. */
  @BeforeEach
  void operatorRbac() throws Exception {
    operatorNs = kube.createNamespace("sekisho-system");
    teamNs = kube.createNamespace("team");
    List<JsonNode> rbac = new ArrayList<>();
    for (var d :
        ManifestFiles.documents(
            ManifestFiles.root().resolve("manifests/operator/base/rbac.yaml"))) {
      ObjectNode tree = d.tree().deepCopy();
      if (tree.path("metadata").has("namespace")) {
        ((ObjectNode) tree.path("metadata")).put("namespace", operatorNs);
      }
      tree.path("subjects").forEach(s -> ((ObjectNode) s).put("namespace", operatorNs));
      ((ObjectNode) tree.path("metadata"))
          .put("name", tree.path("metadata").path("name").asText() + "-" + operatorNs);
      if (tree.has("roleRef")) {
        ((ObjectNode) tree.path("roleRef"))
            .put("name", tree.path("roleRef").path("name").asText() + "-" + operatorNs);
      }
      rbac.add(tree);
    }
    for (JsonNode doc : rbac) {
      admin.resource(Serialization.unmarshal(doc.toString(), HasMetadata.class)).serverSideApply();
    }
    operator = kube.impersonatingServiceAccount(operatorNs, "sekisho-operator");
  }

  private void configMap(String ns, String name, String key, String value) {
    admin
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build())
                .withData(Map.of(key, value))
                .build())
        .create();
  }

  private static NamedPolicy policy(String kind, String ns, String configMap, String key) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ConfigMapKeyReference ref = new ConfigMapKeyReference();
    ref.setName(configMap);
    ref.setKey(key);
    VexSource source = new VexSource();
    source.setConfigMapRef(ref);
    spec.setVex(List.of(source));
    return new NamedPolicy(kind, ns, "no-high", spec);
  }

  private ScanResult storedResult() throws Exception {
    Package log4j =
        new Package(
            PackageType.MAVEN,
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            null,
            null,
            List.of(),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            null,
            null);
    ImageFacts image =
        new ImageFacts(
            "registry.example.com/team/app:1.0",
            "registry.example.com",
            "team/app",
            "1.0",
            DIGEST,
            "linux/amd64",
            "",
            List.of(),
            List.of(),
            false,
            Map.of(),
            Map.of(),
            null,
            List.of());
    Vulnerability v =
        new Vulnerability(
            "CVE-2021-44228",
            List.of("GHSA-jfh8-c2jp-5v3q"),
            log4j,
            List.of("2.15.0"),
            FixState.FIXED,
            Severity.Critical,
            10.0,
            null,
            null,
            null,
            true,
            "Log4Shell",
            List.of());
    ScanReport report =
        new ScanReport(
            image,
            null,
            List.of(log4j),
            List.of(v),
            List.of(),
            List.of(),
            List.of(),
            new ScannerMetadata("0.1.0", null, null, NOW));
    ReportStore store = new ReportStore(storeDir);
    String key = ReportStore.key(teamNs, "app-1");
    store.put(key, report);
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withName("app-1").withNamespace(teamNs).build());
    r.getSpec().setImage("registry.example.com/team/app:1.0");
    r.getSpec().setDigest(DIGEST);
    r.getSpec().setStoreKey(key);
    return r;
  }

  @Test
  void theSekishoVexConfigMapOfThePolicysNamespaceSuppresses() throws Exception {
    configMap(teamNs, "sekisho-vex", "log4j.openvex.json", OPENVEX);
    ResultEvaluator evaluator =
        new ResultEvaluator(new ReportStore(storeDir), new PolicyVex(operator, operatorNs));
    ScanResult result = storedResult();

    ResultEvaluator.Outcome outcome =
        evaluator.evaluate(
            result,
            List.of(policy(NamedPolicy.SCAN_POLICY, teamNs, "sekisho-vex", "log4j.openvex.json")),
            NOW);
    assertThat(outcome.error()).isNull();
    assertThat(outcome.evaluation().verdict()).isEqualTo(Verdict.Pass);
    ExceptionUse use = outcome.evaluation().exceptions().get(0);
    assertThat(use.isVex()).isTrue();
    assertThat(use.policy()).isEqualTo("ScanPolicy/" + teamNs + "/no-high");
    assertThat(use.reason())
        .isEqualTo(
            "not_affected: vulnerable_code_not_present (VEX ConfigMap "
                + teamNs
                + "/sekisho-vex key log4j.openvex.json)");

    // a ClusterScanPolicy's ConfigMap is in the operator's namespace: none there yet
    ResultEvaluator.Outcome cluster =
        evaluator.evaluate(
            result,
            List.of(
                policy(NamedPolicy.CLUSTER_SCAN_POLICY, null, "sekisho-vex", "log4j.openvex.json")),
            NOW);
    assertThat(cluster.evaluation().verdict()).isEqualTo(Verdict.Error);
    assertThat(cluster.error())
        .contains(
            "ClusterScanPolicy/no-high vex[0]", operatorNs + "/sekisho-vex", "does not exist");
    configMap(operatorNs, "sekisho-vex", "log4j.openvex.json", OPENVEX);
    assertThat(
            evaluator
                .evaluate(
                    result,
                    List.of(
                        policy(
                            NamedPolicy.CLUSTER_SCAN_POLICY,
                            null,
                            "sekisho-vex",
                            "log4j.openvex.json")),
                    NOW)
                .evaluation()
                .verdict())
        .isEqualTo(Verdict.Pass);
  }

  @Test
  void otherConfigMapsAreNotReadableAndTheEvaluationFailsClosed() throws Exception {
    configMap(teamNs, "team-vex", "vex.json", OPENVEX);
    ResultEvaluator evaluator =
        new ResultEvaluator(new ReportStore(storeDir), new PolicyVex(operator, operatorNs));
    ResultEvaluator.Outcome outcome =
        evaluator.evaluate(
            storedResult(),
            List.of(policy(NamedPolicy.SCAN_POLICY, teamNs, "team-vex", "vex.json")),
            NOW);
    assertThat(outcome.evaluation().verdict()).isEqualTo(Verdict.Error);
    assertThat(outcome.error()).contains("cannot read ConfigMap " + teamNs + "/team-vex", "403");
  }

  @Test
  void anInvalidDocumentFailsClosedNamingTheConfigMap() throws Exception {
    configMap(
        teamNs, "sekisho-vex", "bad.json", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}");
    ResultEvaluator evaluator =
        new ResultEvaluator(new ReportStore(storeDir), new PolicyVex(operator, operatorNs));
    ResultEvaluator.Outcome outcome =
        evaluator.evaluate(
            storedResult(),
            List.of(policy(NamedPolicy.SCAN_POLICY, teamNs, "sekisho-vex", "bad.json")),
            NOW);
    assertThat(outcome.evaluation().verdict()).isEqualTo(Verdict.Error);
    assertThat(outcome.error())
        .isEqualTo(
            "VEX document ConfigMap "
                + teamNs
                + "/sekisho-vex key bad.json: OpenVEX document without a statements list");
  }
}
