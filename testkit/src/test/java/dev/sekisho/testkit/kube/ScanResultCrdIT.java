package dev.sekisho.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Verdict;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The committed ScanResult CRD on a real API server: status subresource, the columns {@code kubectl
 * get scanresults} prints, short names in discovery, and RBAC over who may read or write results.
 */
@WithKubeApiServer(crds = true)
class ScanResultCrdIT {
  private static final Path FIXTURE = Path.of("src/test/resources/kube/scanresult.yaml");

  private final KubeApiServer kube;
  private final KubernetesClient admin;

  ScanResultCrdIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @Test
  void kubectlGetPrintsTheScanResultColumns() throws IOException {
    String ns = kube.createNamespace("table");
    ScanResult created =
        admin.resources(ScanResult.class).inNamespace(ns).resource(fixture(ns)).create();

    ServerSideTable before = ServerSideTable.get(kube, resultsPath(ns));
    assertThat(before.columns())
        .containsExactly(
            "Name", "Image", "Verdict", "Critical", "High", "Fixable", "In-Use", "Policy", "Age");
    assertThat(before.row(0))
        .startsWith("app-4f2a9c", "registry.example.com/team/app:1.4.2", "", "2", "5", "6", "", "");

    created.getStatus().setObservedGeneration(created.getMetadata().getGeneration());
    created.getStatus().setVerdict(Verdict.Fail);
    created.getStatus().setDecidingPolicy("ClusterScanPolicy/baseline");
    created.getStatus().setViolationCount(2);
    InUse inUse = new InUse();
    inUse.setPods(3);
    created.getStatus().setInUse(inUse);
    admin.resources(ScanResult.class).inNamespace(ns).resource(created).updateStatus();

    ServerSideTable after = ServerSideTable.get(kube, resultsPath(ns));
    assertThat(after.row(0))
        .startsWith(
            "app-4f2a9c",
            "registry.example.com/team/app:1.4.2",
            "Fail",
            "2",
            "5",
            "6",
            "3",
            "ClusterScanPolicy/baseline");
    assertThat(after.row(0).get(8)).as("AGE").matches("\\d+s");
    assertThat(after.wideColumns()).containsExactlyInAnyOrder("PipelineRun", "Digest");

    ScanResult read =
        admin.resources(ScanResult.class).inNamespace(ns).withName("app-4f2a9c").get();
    assertThat(read.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(read.getSpec().getSummary().getCritical()).isEqualTo(2);
    assertThat(read.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration());
  }

  @Test
  void discoveryListsTheShortNames() {
    Map<String, List<String>> shortNames =
        admin.getApiResources("sekisho.dev/v1alpha1").getResources().stream()
            .filter(r -> !r.getName().contains("/"))
            .collect(Collectors.toMap(APIResource::getName, APIResource::getShortNames));

    assertThat(shortNames)
        .containsEntry("scanresults", List.of("sr"))
        .containsEntry("scanpolicies", List.of("sp"))
        .containsEntry("clusterscanpolicies", List.of("csp"));
  }

  @Test
  void aServiceAccountWithoutRightsIsRefusedAndAReaderCannotWrite() throws IOException {
    String ns = kube.createNamespace("rbac-sr");
    admin.resources(ScanResult.class).inNamespace(ns).resource(fixture(ns)).create();
    kube.ensureServiceAccount(ns, "pipeline");

    try (KubernetesClient impersonated = kube.impersonatingServiceAccount(ns, "pipeline");
        KubernetesClient withToken = kube.serviceAccountClient(ns, "pipeline")) {
      for (KubernetesClient client : List.of(impersonated, withToken)) {
        assertForbidden(() -> client.resources(ScanResult.class).inNamespace(ns).list(), "list");
        assertForbidden(
            () ->
                client
                    .resources(ScanResult.class)
                    .inNamespace(ns)
                    .resource(fixture(ns, "x"))
                    .create(),
            "create");
      }

      grantReadOnly(ns, "pipeline");
      Awaiting.until(
          "the reader RoleBinding takes effect",
          () -> canList(impersonated, ns) && canList(withToken, ns));

      for (KubernetesClient client : List.of(impersonated, withToken)) {
        assertThat(client.resources(ScanResult.class).inNamespace(ns).list().getItems())
            .extracting(r -> r.getMetadata().getName())
            .containsExactly("app-4f2a9c");
        assertForbidden(
            () ->
                client
                    .resources(ScanResult.class)
                    .inNamespace(ns)
                    .resource(fixture(ns, "y"))
                    .create(),
            "create");
        assertForbidden(
            () -> client.resources(ScanResult.class).inNamespace("default").list(), "list");
      }
    }
  }

  private void grantReadOnly(String ns, String serviceAccount) {
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("scanresult-reader")
                .withNamespace(ns)
                .endMetadata()
                .addNewRule()
                .withApiGroups("sekisho.dev")
                .withResources("scanresults")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("scanresult-reader")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "scanresult-reader")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(serviceAccount)
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
  }

  private static boolean canList(KubernetesClient client, String ns) {
    try {
      client.resources(ScanResult.class).inNamespace(ns).list();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return false;
      }
      throw e;
    }
  }

  private static void assertForbidden(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String verb) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage())
                  .contains("system:serviceaccount:")
                  .contains("cannot " + verb + " resource \"scanresults\"")
                  .contains("in API group \"sekisho.dev\"");
            });
  }

  private static String resultsPath(String ns) {
    return "/apis/sekisho.dev/v1alpha1/namespaces/" + ns + "/scanresults";
  }

  private static ScanResult fixture(String ns) throws IOException {
    return fixture(ns, null);
  }

  private static ScanResult fixture(String ns, String name) throws IOException {
    ScanResult result = Serialization.unmarshal(Files.readString(FIXTURE), ScanResult.class);
    result.getMetadata().setNamespace(ns);
    if (name != null) {
      result.getMetadata().setName(name);
    }
    return result;
  }
}
