package dev.sekisho.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.testkit.ChildProcess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test API server itself: authentication, service-account tokens, RBAC and PodSecurity. */
@WithKubeApiServer
class KubeApiServerIT {
  private final KubeApiServer kube;
  private final KubernetesClient admin;

  KubeApiServerIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @Test
  void kubectlWithTheKubeconfigActsAsTheAdmin() throws IOException, InterruptedException {
    ChildProcess.Result kubectl =
        ChildProcess.run(
            new ProcessBuilder(
                    kube.binaries().kubectl().toString(),
                    "--kubeconfig=" + kube.kubeconfig(),
                    "auth",
                    "whoami",
                    "-o",
                    "jsonpath={.status.userInfo.username} {.status.userInfo.groups}")
                .redirectErrorStream(true),
            Duration.ofSeconds(60));
    String out = kubectl.stdout();
    assertThat(kubectl.exitCode()).as(out).isZero();
    assertThat(out).startsWith(KubeApiServer.ADMIN_USER + " ").contains("system:masters");
  }

  @Test
  void issuesServiceAccountTokensThatTokenReviewAccepts() {
    String ns = kube.createNamespace("token");
    String token = kube.serviceAccountToken(ns, "builder", Duration.ofMinutes(10));

    TokenReview review =
        admin
            .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
            .create();

    assertThat(review.getStatus().getAuthenticated()).isTrue();
    assertThat(review.getStatus().getUser().getUsername())
        .isEqualTo("system:serviceaccount:" + ns + ":builder");
    assertThat(review.getStatus().getUser().getGroups())
        .contains("system:serviceaccounts", "system:serviceaccounts:" + ns);
  }

  @Test
  void tokenReviewRejectsAForgedToken() {
    TokenReview review =
        admin
            .resource(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken("eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
                    .endSpec()
                    .build())
            .create();

    assertThat(review.getStatus().getAuthenticated()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void rbacDecidesWhatAServiceAccountMayDo() {
    String ns = kube.createNamespace("rbac");
    kube.ensureServiceAccount(ns, "reader");
    String user = KubeApiServer.serviceAccountUser(ns, "reader");

    assertThat(allowed(ns, user, "list", "configmaps")).isFalse();
    try (KubernetesClient asToken = kube.serviceAccountClient(ns, "reader");
        KubernetesClient asImpersonated = kube.impersonatingServiceAccount(ns, "reader")) {
      for (KubernetesClient client : new KubernetesClient[] {asToken, asImpersonated}) {
        assertThatThrownBy(() -> client.configMaps().inNamespace(ns).list())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      }

      admin
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("configmap-reader")
                  .withNamespace(ns)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("configmaps")
                  .withVerbs("get", "list")
                  .endRule()
                  .build())
          .create();
      admin
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("reader")
                  .withNamespace(ns)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-reader")
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName("reader")
                  .withNamespace(ns)
                  .endSubject()
                  .build())
          .create();

      // The RBAC authorizer reads bindings from an informer: wait until it has seen this one.
      Awaiting.until("the RoleBinding takes effect", () -> allowed(ns, user, "list", "configmaps"));
      assertThat(allowed(ns, user, "create", "configmaps")).isFalse();
      for (KubernetesClient client : new KubernetesClient[] {asToken, asImpersonated}) {
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isNotNull();
      }
    }
  }

  @Test
  void podSecurityRestrictedRejectsAPrivilegedPodAndAdmitsACompliantOne() {
    String restricted =
        kube.createNamespace(
            "psa-restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    String unlabelled = kube.createNamespace("psa-default");

    assertThatThrownBy(() -> admin.resource(rootPod(restricted)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getMessage())
                  .contains("violates PodSecurity \"restricted:latest\"")
                  .contains("privileged")
                  .contains("runAsNonRoot != true");
            });

    assertThat(admin.resource(restrictedPod(restricted)).create().getMetadata().getUid())
        .isNotBlank();
    // Without the label the namespace is "privileged": the same Pod passes, so the rejection above
    // came from PodSecurity and the namespace's level.
    assertThat(admin.resource(rootPod(unlabelled)).create().getMetadata().getUid()).isNotBlank();
  }

  private boolean allowed(String ns, String user, String verb, String resource) {
    SubjectAccessReview review =
        admin
            .resource(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(user)
                    .withGroups("system:serviceaccounts", "system:serviceaccounts:" + ns)
                    .withNewResourceAttributes()
                    .withNamespace(ns)
                    .withVerb(verb)
                    .withResource(resource)
                    .endResourceAttributes()
                    .endSpec()
                    .build())
            .create();
    return review.getStatus().getAllowed();
  }

  private static Pod rootPod(String ns) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("root")
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.example.com/app:1")
        .withNewSecurityContext()
        .withPrivileged(true)
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod restrictedPod(String ns) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("restricted")
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(65532L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("app")
        .withImage("registry.example.com/app:1")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .build();
  }
}
