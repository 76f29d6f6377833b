package dev.sekisho.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.TestCache;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.SekishoCrds;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install manifests, the rendered Helm chart, the Tekton Task and the examples on a real API
 * server with Tekton's own CRDs: everything applies (server-side dry run), the scan step is
 * admitted under the restricted Pod Security level, and the operator's RBAC grants exactly what it
 * needs.
 */
@WithKubeApiServer(crds = true)
class ManifestsIT {
  private static final String TEKTON_VERSION =
      System.getenv().getOrDefault("SEKISHO_TEKTON_VERSION", "1.6.0");

  @BeforeAll
  static void installTektonCrds(KubeApiServer server) throws IOException {
    Path dir = TestCache.root().resolve("tekton").resolve("v" + TEKTON_VERSION).resolve("crds");
    assertThat(dir).as("Tekton CRDs missing in %s: run hack/tool-binaries.sh", dir).isDirectory();
    KubernetesClient admin = server.adminClient();
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd =
            Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
        // Tekton's CRDs name its conversion webhook; there is no webhook here and every object
        // the tests create is in the storage version, so conversion is never needed.
        crd.getSpec().setConversion(null);
        admin.resource(crd).forceConflicts().serverSideApply();
      }
    }
    for (String name : List.of("tasks", "pipelines", "pipelineruns", "stepactions")) {
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name + ".tekton.dev")
          .waitUntilCondition(SekishoCrds::established, 1, TimeUnit.MINUTES);
    }
  }

  @Test
  void kustomizeBaseAndExamplesApply(KubeApiServer server) throws Exception {
    KubernetesClient admin = server.adminClient();
    List<JsonNode> docs = new ArrayList<>();
    docs.addAll(kustomize(server, "manifests/operator/base"));
    for (Path f :
        ManifestFiles.yamlFiles("manifests/tekton", "manifests/examples", "manifests/policies")) {
      ManifestFiles.documents(f).forEach(d -> docs.add(d.tree()));
    }
    String ns = server.createNamespace("shop");
    dryRunApply(admin, docs, ns);
  }

  @Test
  void admissionOverlayApplies(KubeApiServer server) throws Exception {
    List<JsonNode> docs = kustomize(server, "manifests/operator/admission");
    assertThat(docs)
        .extracting(d -> d.path("kind").asText())
        .contains("ValidatingWebhookConfiguration", "Deployment");
    dryRunApply(server.adminClient(), docs, server.createNamespace("admission"));
  }

  @Test
  void openShiftOverlayApplies(KubeApiServer server) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    for (JsonNode doc : kustomize(server, "manifests/operator/openshift")) {
      // The monitoring CRDs come with the Prometheus operator, which this API server lacks; the
      // ServiceMonitor is checked against the fabric8 monitoring model in ManifestsTest.
      if (!doc.path("kind").asText().equals("ServiceMonitor")) {
        docs.add(doc);
      }
    }
    dryRunApply(server.adminClient(), docs, server.createNamespace("os"));
  }

  @Test
  void workloadsOverlayApplies(KubeApiServer server) throws Exception {
    List<JsonNode> docs = kustomize(server, "manifests/operator/workloads");
    JsonNode deployment =
        docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().get();
    assertThat(
            deployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("env")
                .findValuesAsText("name"))
        .contains("SEKISHO_NAMESPACE", "SEKISHO_WORKLOADS");
    assertThat(docs)
        .extracting(d -> d.path("metadata").path("name").asText())
        .contains("sekisho-operator-workloads");
    dryRunApply(server.adminClient(), docs, server.createNamespace("wl"));
  }

  /**
   * The images-in-use rights: read pods, the owners above them, and pull Secrets and
   * ServiceAccounts by name; never list Secrets, never change anything.
   */
  @Test
  void workloadsRbacIsLeastPrivilege(KubeApiServer server) throws Exception {
    KubernetesClient admin = server.adminClient();
    String ns = server.createNamespace("sekisho-wl");
    for (var d :
        ManifestFiles.documents(
            ManifestFiles.root().resolve("manifests/operator/workloads/rbac.yaml"))) {
      ObjectNode tree = d.tree().deepCopy();
      tree.path("subjects").forEach(s -> ((ObjectNode) s).put("namespace", ns));
      ((ObjectNode) tree.path("metadata"))
          .put("name", tree.path("metadata").path("name").asText() + "-" + ns);
      if (tree.has("roleRef")) {
        ((ObjectNode) tree.path("roleRef"))
            .put("name", tree.path("roleRef").path("name").asText() + "-" + ns);
      }
      admin.resource(Serialization.unmarshal(tree.toString(), HasMetadata.class)).serverSideApply();
    }
    String user = KubeApiServer.serviceAccountUser(ns, "sekisho-operator");
    String team = server.createNamespace("team");
    assertThat(allowed(admin, user, "", "", "pods", "", "watch")).isTrue();
    assertThat(allowed(admin, user, "", "", "pods", "", "list")).isTrue();
    assertThat(allowed(admin, user, team, "apps", "replicasets", "", "get")).isTrue();
    assertThat(allowed(admin, user, team, "batch", "jobs", "", "get")).isTrue();
    assertThat(allowed(admin, user, team, "", "secrets", "", "get", "regcred")).isTrue();
    assertThat(allowed(admin, user, team, "", "serviceaccounts", "", "get", "default")).isTrue();

    assertThat(allowed(admin, user, team, "", "secrets", "", "list")).isFalse();
    assertThat(allowed(admin, user, team, "", "secrets", "", "watch")).isFalse();
    assertThat(allowed(admin, user, team, "", "pods", "", "get")).isFalse();
    assertThat(allowed(admin, user, team, "", "pods", "", "patch")).isFalse();
    assertThat(allowed(admin, user, team, "", "pods", "", "delete")).isFalse();
    assertThat(allowed(admin, user, team, "apps", "replicasets", "", "list")).isFalse();
    assertThat(allowed(admin, user, team, "apps", "deployments", "", "get")).isFalse();
    assertThat(allowed(admin, user, team, "apps", "deployments", "", "patch")).isFalse();
    assertThat(allowed(admin, user, team, "", "serviceaccounts", "", "list")).isFalse();
  }

  @Test
  void helmChartLintsRendersAndApplies(KubeApiServer server) throws Exception {
    Path helm = TestCache.helm();
    assertThat(helm).as("helm missing at %s: run hack/tool-binaries.sh", helm).isExecutable();
    Path chart = ManifestFiles.root().resolve("charts/sekisho");
    assertThat(run(List.of(helm.toString(), "lint", "--strict", chart.toString())))
        .contains("1 chart(s) linted, 0 chart(s) failed");
    String ns = server.createNamespace("chart");
    String taskNs = server.createNamespace("chart-pipelines");
    String rendered =
        run(
            List.of(
                helm.toString(),
                "template",
                "sekisho",
                chart.toString(),
                "--namespace",
                ns,
                "--include-crds",
                "--set",
                "task.namespaces={" + taskNs + "}",
                "--set",
                "openshift.serviceCa=true",
                "--set",
                "admission.enabled=true",
                "--set",
                "database.airGapped.enabled=true",
                "--set",
                "database.airGapped.bundleClaimName=bundles"));
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(chart, rendered).forEach(d -> docs.add(d.tree()));
    assertThat(docs).extracting(d -> d.path("kind").asText()).contains("Task", "Deployment");
    dryRunApply(server.adminClient(), docs, ns);

    // the other branches: CA bundle only in the operator's namespace, enrichment feeds
    String ns2 = server.createNamespace("chart-ca");
    String other =
        run(
            List.of(
                helm.toString(),
                "template",
                "sekisho",
                chart.toString(),
                "--namespace",
                ns2,
                "--set",
                "scanApi.caBundle.publish=false",
                "--set",
                "scanApi.caBundle.namespaceSelector=sekisho.dev/pipelines=true",
                "--set",
                "database.kev=https://mirror.example.com/kev.json",
                "--set",
                "database.cvss={/data/nvd}",
                "--set",
                "scanApi.ownCa.validity=1825d",
                "--set",
                "scanApi.ownCa.renewBefore=180d",
                "--set",
                "scanApi.ownCa.overlap=14d",
                "--set",
                "admission.enabled=true",
                "--set",
                "admission.failurePolicy=Ignore",
                "--set",
                "admission.excludeNamespaces={dev}"));
    List<JsonNode> docs2 = new ArrayList<>();
    ManifestFiles.documents(chart, other).forEach(d -> docs2.add(d.tree()));
    JsonNode deployment =
        docs2.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().get();
    List<String> env =
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0)
            .path("env")
            .findValuesAsText("name");
    assertThat(env)
        .contains(
            "SEKISHO_API_CA_PUBLISH",
            "SEKISHO_API_CA_NAMESPACE_SELECTOR",
            "SEKISHO_DB_KEV",
            "SEKISHO_DB_CVSS",
            "SEKISHO_API_CA_VALIDITY",
            "SEKISHO_API_CA_RENEW_BEFORE",
            "SEKISHO_API_CA_OVERLAP");
    JsonNode clusterRole =
        docs2.stream()
            .filter(d -> d.path("kind").asText().equals("ClusterRole"))
            .filter(d -> d.path("metadata").path("name").asText().equals("sekisho-operator"))
            .findFirst()
            .get();
    List<String> resources = new ArrayList<>();
    clusterRole
        .path("rules")
        .forEach(
            r ->
                r.path("resources")
                    .forEach(
                        x ->
                            resources.add(
                                x.asText()
                                    + (x.asText().equals("configmaps") && r.has("resourceNames")
                                        ? r.path("resourceNames").toString()
                                            + r.path("verbs").toString()
                                        : ""))));
    // without publishing the CA bundle, the only ConfigMaps it reads are the VEX documents'
    assertThat(resources)
        .contains(
            "namespaces", "validatingwebhookconfigurations", "configmaps[\"sekisho-vex\"][\"get\"]")
        .doesNotContain("configmaps");
    JsonNode webhook =
        docs2.stream()
            .filter(d -> d.path("kind").asText().equals("ValidatingWebhookConfiguration"))
            .findFirst()
            .get()
            .path("webhooks")
            .get(0);
    assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(webhook.path("namespaceSelector").toString()).contains(ns2, "kube-system", "dev");
    assertThat(env).contains("SEKISHO_ADMISSION_ENABLED", "SEKISHO_ADMISSION_PORT");
    dryRunApply(server.adminClient(), docs2, ns2);

    // images in use, in two namespaces: the pods, secrets and serviceaccounts rights are Roles
    // there, the owner chain's ReplicaSets and Jobs in the ClusterRole
    String ns3 = server.createNamespace("chart-wl");
    String watched = server.createNamespace("chart-wl-shop");
    String rendered3 =
        run(
            List.of(
                helm.toString(),
                "template",
                "sekisho",
                chart.toString(),
                "--namespace",
                ns3,
                "--set",
                "workloads.enabled=true",
                "--set",
                "workloads.namespaces={" + watched + "}",
                "--set",
                "workloads.scan.workers=2"));
    List<JsonNode> docs3 = new ArrayList<>();
    ManifestFiles.documents(chart, rendered3).forEach(d -> docs3.add(d.tree()));
    JsonNode role =
        docs3.stream()
            .filter(d -> d.path("kind").asText().equals("Role"))
            .filter(d -> d.path("metadata").path("namespace").asText().equals(watched))
            .findFirst()
            .orElseThrow();
    assertThat(role.path("rules").toString()).contains("secrets").contains("watch");
    JsonNode clusterRole3 =
        docs3.stream()
            .filter(d -> d.path("kind").asText().equals("ClusterRole"))
            .filter(d -> d.path("metadata").path("name").asText().equals("sekisho-operator"))
            .findFirst()
            .get();
    assertThat(clusterRole3.path("rules").toString())
        .contains("replicasets")
        .doesNotContain("\"secrets\",\"serviceaccounts\"");
    dryRunApply(server.adminClient(), docs3, ns3);
  }

  @Test
  void scanStepIsAdmittedUnderRestrictedPodSecurity(KubeApiServer server) throws Exception {
    String ns =
        server.createNamespace(
            "restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    JsonNode task =
        ManifestFiles.documents(ManifestFiles.root().resolve("manifests/tekton/scan-image.yaml"))
            .get(0)
            .tree();
    ObjectNode pod = stepPod(task, ns);
    KubernetesClient admin = server.adminClient();
    admin.resource(Serialization.unmarshal(pod.toString(), HasMetadata.class)).create();

    // The same pod with privilege escalation allowed is refused: PodSecurity is really enforcing.
    ObjectNode bad = stepPod(task, ns);
    ((ObjectNode) bad.path("metadata")).put("name", "scan-image-escalating");
    ((ObjectNode) bad.path("spec").path("containers").get(0).path("securityContext"))
        .put("allowPrivilegeEscalation", true);
    assertThatThrownBy(
            () ->
                admin.resource(Serialization.unmarshal(bad.toString(), HasMetadata.class)).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted");
  }

  @Test
  void operatorRbacIsLeastPrivilege(KubeApiServer server) throws Exception {
    KubernetesClient admin = server.adminClient();
    String ns = server.createNamespace("sekisho-system");
    List<JsonNode> rbac = new ArrayList<>();
    for (var d :
        ManifestFiles.documents(
            ManifestFiles.root().resolve("manifests/operator/base/rbac.yaml"))) {
      ObjectNode tree = d.tree().deepCopy();
      if (tree.path("metadata").has("namespace")) {
        ((ObjectNode) tree.path("metadata")).put("namespace", ns);
      }
      tree.path("subjects").forEach(s -> ((ObjectNode) s).put("namespace", ns));
      ((ObjectNode) tree.path("metadata"))
          .put("name", tree.path("metadata").path("name").asText() + "-" + ns);
      if (tree.has("roleRef")) {
        ((ObjectNode) tree.path("roleRef"))
            .put("name", tree.path("roleRef").path("name").asText() + "-" + ns);
      }
      rbac.add(tree);
    }
    for (JsonNode doc : rbac) {
      admin.resource(Serialization.unmarshal(doc.toString(), HasMetadata.class)).serverSideApply();
    }
    String user = KubeApiServer.serviceAccountUser(ns, "sekisho-operator");
    String other = server.createNamespace("team");
    // What the operator needs.
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanresults", "", "create")).isTrue();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanresults", "status", "patch"))
        .isTrue();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanpolicies", "", "watch")).isTrue();
    assertThat(allowed(admin, user, other, "tekton.dev", "pipelineruns", "", "patch")).isTrue();
    assertThat(allowed(admin, user, "", "authentication.k8s.io", "tokenreviews", "", "create"))
        .isTrue();
    assertThat(allowed(admin, user, ns, "coordination.k8s.io", "leases", "", "update")).isTrue();
    // fabric8's LeaderElector renews its lease with PATCH
    assertThat(allowed(admin, user, ns, "coordination.k8s.io", "leases", "", "patch")).isTrue();
    // the retention rule: delete expired results, read (never change) what pods run
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanresults", "", "delete")).isTrue();
    assertThat(allowed(admin, user, "", "", "pods", "", "list")).isTrue();
    // ScanNotifiers: watched, status written, what each sink was told annotated on the result
    assertThat(allowed(admin, user, other, "sekisho.dev", "scannotifiers", "", "watch")).isTrue();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scannotifiers", "status", "patch"))
        .isTrue();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanresults", "", "patch")).isTrue();
    // but not the notifiers themselves, and no Secret until an admin binds sekisho-notifier-secrets
    assertThat(allowed(admin, user, other, "sekisho.dev", "scannotifiers", "", "update")).isFalse();
    // the scan API's own CA: its one Secret in the operator's namespace, its ConfigMap anywhere
    assertThat(allowed(admin, user, ns, "", "secrets", "", "create", "")).isTrue();
    assertThat(allowed(admin, user, ns, "", "secrets", "", "get", "sekisho-scan-api-certs"))
        .isTrue();
    assertThat(allowed(admin, user, ns, "", "secrets", "", "update", "sekisho-scan-api-certs"))
        .isTrue();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "create", "")).isTrue();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "update", "sekisho-scan-api-ca"))
        .isTrue();
    // the watch that restores a deleted copy: all namespaces, field selector on that name
    assertThat(allowed(admin, user, "", "", "configmaps", "", "watch", "sekisho-scan-api-ca"))
        .isTrue();
    assertThat(allowed(admin, user, "", "", "configmaps", "", "list", "sekisho-scan-api-ca"))
        .isTrue();
    // What it must not be able to do.
    assertThat(allowed(admin, user, other, "", "secrets", "", "get")).isFalse();
    assertThat(allowed(admin, user, ns, "", "secrets", "", "get", "other-secret")).isFalse();
    assertThat(allowed(admin, user, ns, "", "secrets", "", "list", "")).isFalse();
    assertThat(allowed(admin, user, other, "", "secrets", "", "get", "sekisho-scan-api-certs"))
        .isFalse();
    // the VEX documents policies reference, by name only
    assertThat(allowed(admin, user, other, "", "configmaps", "", "get", "sekisho-vex")).isTrue();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "list", "sekisho-vex")).isFalse();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "get", "other-config")).isFalse();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "update", "other-config"))
        .isFalse();
    assertThat(allowed(admin, user, other, "", "configmaps", "", "list", "")).isFalse();
    assertThat(allowed(admin, user, "", "", "configmaps", "", "watch", "")).isFalse();
    assertThat(allowed(admin, user, "", "", "configmaps", "", "watch", "other-config")).isFalse();
    assertThat(allowed(admin, user, other, "", "pods", "", "create")).isFalse();
    assertThat(allowed(admin, user, other, "", "pods", "", "delete")).isFalse();
    assertThat(allowed(admin, user, other, "", "pods", "", "get")).isFalse();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanpolicies", "", "delete")).isFalse();
    assertThat(allowed(admin, user, other, "sekisho.dev", "scanpolicies", "", "update")).isFalse();
    assertThat(allowed(admin, user, other, "tekton.dev", "pipelineruns", "", "delete")).isFalse();
    assertThat(allowed(admin, user, other, "tekton.dev", "taskruns", "", "patch")).isFalse();
    assertThat(allowed(admin, user, other, "coordination.k8s.io", "leases", "", "update"))
        .isFalse();
  }

  private static boolean allowed(
      KubernetesClient admin,
      String user,
      String ns,
      String group,
      String resource,
      String sub,
      String verb) {
    return allowed(admin, user, ns, group, resource, sub, verb, "");
  }

  private static boolean allowed(
      KubernetesClient admin,
      String user,
      String ns,
      String group,
      String resource,
      String sub,
      String verb,
      String name) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withNamespace(ns)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(sub)
            .withVerb(verb)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }

  /** A Pod as Tekton would run the Task's step (params filled in with sample values). */
  private static ObjectNode stepPod(JsonNode task, String ns) {
    JsonNode step = task.path("spec").path("steps").get(0);
    ObjectNode pod = ManifestFiles.YAML.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", "scan-image-step").put("namespace", ns);
    ObjectNode spec = pod.putObject("spec");
    spec.put("restartPolicy", "Never");
    spec.set("volumes", task.path("spec").path("volumes"));
    ObjectNode container = spec.putArray("containers").addObject();
    container.put("name", "step-" + step.path("name").asText());
    // the image is $(params.SCANNER_IMAGE): Tekton puts in the param's default
    String image = step.path("image").asText();
    for (JsonNode p : task.path("spec").path("params")) {
      image =
          image.replace("$(params." + p.path("name").asText() + ")", p.path("default").asText());
    }
    container.put("image", image);
    container.set("command", step.path("command"));
    var args = container.putArray("args");
    step.path("args")
        .forEach(
            a -> {
              String v = a.asText();
              if (!v.contains("EXTRA_ARGS")) {
                args.add(v.replaceAll("\\$\\([^)]*\\)", "x"));
              }
            });
    var env = container.putArray("env");
    step.path("env")
        .forEach(
            e -> {
              ObjectNode copy = e.deepCopy();
              if (copy.has("value")) {
                copy.put("value", copy.path("value").asText().replaceAll("\\$\\([^)]*\\)", ""));
              }
              env.add(copy);
            });
    container.set("volumeMounts", step.path("volumeMounts"));
    container.set("resources", step.path("computeResources"));
    container.set("securityContext", step.path("securityContext").deepCopy());
    return pod;
  }

  private static List<JsonNode> kustomize(KubeApiServer server, String dir) throws Exception {
    String out =
        run(
            List.of(
                server.binaries().kubectl().toString(),
                "kustomize",
                ManifestFiles.root().resolve(dir).toString()));
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(ManifestFiles.root().resolve(dir), out)
        .forEach(d -> docs.add(d.tree()));
    assertThat(docs).as("kustomize %s rendered nothing", dir).isNotEmpty();
    return docs;
  }

  /**
   * Server-side dry run of every document: CRDs and namespaces are created for real (the rest
   * depends on them), everything else only validated. Namespaced objects land in {@code ns}.
   */
  private static void dryRunApply(KubernetesClient admin, List<JsonNode> docs, String ns) {
    List<String> failures = new ArrayList<>();
    for (JsonNode doc : docs) {
      ObjectNode copy = doc.deepCopy();
      String kind = copy.path("kind").asText();
      if (kind.equals("Namespace") || kind.equals("CustomResourceDefinition")) {
        continue;
      }
      GenericKubernetesResource resource =
          Serialization.unmarshal(copy.toString(), GenericKubernetesResource.class);
      boolean namespaced =
          admin.getApiResources(resource.getApiVersion()).getResources().stream()
              .filter(r -> r.getKind().equals(kind) && !r.getName().contains("/"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("API server does not serve " + kind))
              .getNamespaced();
      if (namespaced) {
        resource.getMetadata().setNamespace(ns);
      }
      if (resource.getMetadata().getName() == null) {
        resource.getMetadata().setName("example-" + kind.toLowerCase());
        resource.getMetadata().setGenerateName(null);
      }
      try {
        admin.resource(resource).dryRun().create();
      } catch (KubernetesClientException e) {
        failures.add(kind + "/" + resource.getMetadata().getName() + ": " + e.getMessage());
      }
    }
    assertThat(failures).isEmpty();
  }

  private static String run(List<String> command) throws Exception {
    ChildProcess.Result r =
        ChildProcess.run(
            new ProcessBuilder(command).redirectErrorStream(true), Duration.ofMinutes(2));
    assertThat(r.exitCode()).as("%s failed:\n%s", command, r.stdout()).isZero();
    return r.stdout();
  }
}
