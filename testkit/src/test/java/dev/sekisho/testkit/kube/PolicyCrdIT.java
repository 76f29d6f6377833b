package dev.sekisho.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.Severity;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed ScanPolicy and ClusterScanPolicy CRDs on a real API server: its schema and CEL
 * rules reject bad policies with a clear message, good ones are stored, status is a subresource,
 * and {@code kubectl get} prints ACTION, READY and AGE.
 */
@WithKubeApiServer(crds = true)
class PolicyCrdIT {
  private static final Path FIXTURES = Path.of("src/test/resources/kube");
  private static final String EXPECT = "# expect: ";

  private final KubeApiServer kube;
  private final KubernetesClient admin;

  PolicyCrdIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  static Stream<Path> invalidPolicies() throws IOException {
    return fixtures("invalid-policies");
  }

  static Stream<Path> validPolicies() throws IOException {
    return fixtures("valid-policies");
  }

  private static Stream<Path> fixtures(String dir) throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES.resolve(dir))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /** Each fixture names, in "# expect:" lines, what the API server's message must say. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPolicies")
  void apiServerRejectsAnInvalidPolicyWithAClearMessage(Path fixture) throws IOException {
    String yaml = Files.readString(fixture);
    List<String> expected =
        yaml.lines()
            .filter(l -> l.startsWith(EXPECT))
            .map(l -> l.substring(EXPECT.length()))
            .toList();
    assertThat(expected).as("%s names the expected message", fixture).isNotEmpty();
    GenericKubernetesResource policy = load(yaml, kube.createNamespace("invalid"));

    assertThatThrownBy(() -> admin.resource(policy).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage())
                  .contains(policy.getKind() + ".sekisho.dev \"" + policy.getMetadata().getName())
                  .contains(expected);
            });
    assertThat(admin.resource(policy).get()).as("nothing stored").isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPolicies")
  void apiServerStoresAValidPolicyAndAppliesDefaults(Path fixture) throws IOException {
    GenericKubernetesResource policy =
        load(Files.readString(fixture), kube.createNamespace("valid"));

    GenericKubernetesResource stored = admin.resource(policy).create();
    try {
      assertThat(stored.getMetadata().getUid()).isNotBlank();
      // the schema defaults action to Enforce when the policy leaves it out
      Object requested = policy.get("spec", "action");
      assertThat(stored.<Object>get("spec", "action"))
          .isEqualTo(requested == null ? "Enforce" : requested);
    } finally {
      admin.resource(stored).delete();
    }
  }

  @Test
  void typedPoliciesRoundTripThroughTheApiServer() throws IOException {
    String ns = kube.createNamespace("typed");
    ScanPolicy policy = readFixture("scanpolicy.yaml", ScanPolicy.class);
    policy.getMetadata().setNamespace(ns);

    ScanPolicy stored = admin.resources(ScanPolicy.class).inNamespace(ns).resource(policy).create();

    assertThat(stored.getSpec().getAction()).isEqualTo(PolicyAction.Warn);
    assertThat(stored.getSpec().getVulnerabilities().getFailOn()).isEqualTo(Severity.High);
    assertThat(stored.getSpec().getExceptions())
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).startsWith("sshd is not started"));

    ClusterScanPolicy cluster = readFixture("clusterscanpolicy.yaml", ClusterScanPolicy.class);
    cluster.getMetadata().setName("typed-" + ns);
    ClusterScanPolicy storedCluster = admin.resource(cluster).create();
    try {
      assertThat(storedCluster.getSpec().getAction()).isEqualTo(PolicyAction.Enforce);
      assertThat(storedCluster.getSpec().getNamespaceSelector().getMatchExpressions())
          .singleElement()
          .satisfies(r -> assertThat(r.getOperator()).isEqualTo("DoesNotExist"));
    } finally {
      admin.resource(storedCluster).delete();
    }
  }

  @Test
  void statusIsASubresourceThatLeavesTheSpecAlone() throws IOException {
    String ns = kube.createNamespace("status");
    ScanPolicy policy = readFixture("scanpolicy.yaml", ScanPolicy.class);
    policy.getMetadata().setNamespace(ns);
    ScanPolicy stored = admin.resources(ScanPolicy.class).inNamespace(ns).resource(policy).create();
    long generation = stored.getMetadata().getGeneration();

    // A status write that also tries to change the spec: the /status endpoint drops the spec.
    stored.getSpec().setAction(PolicyAction.Enforce);
    stored.getStatus().setObservedGeneration(generation);
    stored.getStatus().setMatchedResults(3);
    stored.getStatus().setFailingResults(1);
    stored
        .getStatus()
        .setConditions(
            List.of(
                new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withReason("Accepted")
                    .withMessage("policy is valid")
                    .withLastTransitionTime("2026-11-23T10:00:00Z")
                    .withObservedGeneration(generation)
                    .build()));
    admin.resources(ScanPolicy.class).inNamespace(ns).resource(stored).updateStatus();

    ScanPolicy read =
        admin.resources(ScanPolicy.class).inNamespace(ns).withName("team-policy").get();
    assertThat(read.getSpec().getAction()).isEqualTo(PolicyAction.Warn);
    assertThat(read.getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(read.getStatus().getMatchedResults()).isEqualTo(3);
    assertThat(read.getStatus().getFailingResults()).isEqualTo(1);
    assertThat(read.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));

    // A main-resource write that tries to change the status: the API server keeps the old status.
    read.getStatus().setMatchedResults(99);
    read.getSpec().getVulnerabilities().setFailOn(Severity.Critical);
    ScanPolicy updated = admin.resources(ScanPolicy.class).inNamespace(ns).resource(read).update();
    assertThat(updated.getStatus().getMatchedResults()).isEqualTo(3);
    assertThat(updated.getSpec().getVulnerabilities().getFailOn()).isEqualTo(Severity.Critical);
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(generation + 1);

    ServerSideTable table =
        ServerSideTable.get(kube, "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanpolicies");
    assertThat(table.columns()).containsExactly("Name", "Action", "Ready", "Age");
    assertThat(table.row(0)).startsWith("team-policy", "Warn", "True");
    assertThat(table.row(0).get(3)).as("age").matches("\\d+s");
    assertThat(table.wideColumns()).containsExactly("Failing");
  }

  @Test
  void clusterScanPoliciesPrintTheSameColumns() throws IOException {
    ClusterScanPolicy cluster = readFixture("clusterscanpolicy.yaml", ClusterScanPolicy.class);
    cluster.getMetadata().setName("columns-" + kube.createNamespace("csp"));
    ClusterScanPolicy stored = admin.resource(cluster).create();
    try {
      ServerSideTable table =
          ServerSideTable.get(
              kube,
              "/apis/sekisho.dev/v1alpha1/clusterscanpolicies?fieldSelector=metadata.name%3D"
                  + stored.getMetadata().getName());
      assertThat(table.columns()).containsExactly("Name", "Action", "Ready", "Age");
      // no status yet: READY is empty until the operator reconciles the policy
      assertThat(table.row(0)).startsWith(stored.getMetadata().getName(), "Enforce", "");
    } finally {
      admin.resource(stored).delete();
    }
  }

  private static <T> T readFixture(String name, Class<T> type) throws IOException {
    return Serialization.unmarshal(
        Files.readString(FIXTURES.resolve("valid-policies").resolve(name)), type);
  }

  private static GenericKubernetesResource load(String yaml, String namespace) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    if (resource.getKind().equals("ScanPolicy")) {
      resource.getMetadata().setNamespace(namespace);
    } else {
      // cluster-scoped: keep names unique per run
      resource.getMetadata().setName(resource.getMetadata().getName() + "-" + namespace);
    }
    return resource;
  }
}
