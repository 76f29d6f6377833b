package dev.sekisho.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.TestCache;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every value of the Helm chart means what it says: rendered with helm and read back, not only
 * linted. The ports reach the operator's listeners, the Service, the NetworkPolicy and the Tasks'
 * SERVER default; the CA ConfigMap name reaches the Tasks' volume; the values schema refuses a
 * misspelt key; the CRDs share the {@code sekisho} category on a real API server.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChartValuesIT {
  private static final Path CHART = ManifestFiles.root().resolve("charts/sekisho");

  @Test
  void portsCaNameAndNamespaceReachEveryPlaceThatUsesThem() throws Exception {
    Result r =
        helm(
            "template",
            "sekisho",
            CHART.toString(),
            "--namespace",
            "security-tools",
            "--set",
            "scanApi.port=9443",
            "--set",
            "metrics.port=9191",
            "--set",
            "healthPort=8181",
            "--set",
            "scanApi.caBundle.configMapName=corp-sekisho-ca",
            "--set",
            "task.namespaces={team-a}",
            "--set",
            "metrics.serviceMonitor.enabled=true",
            "--set",
            "metrics.serviceMonitor.labels.release=prom");
    assertThat(r.code).as(r.output).isZero();
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(CHART, r.output).forEach(d -> docs.add(d.tree()));

    JsonNode container =
        kind(docs, "Deployment")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    assertThat(env(container, "SEKISHO_API_PORT")).isEqualTo("9443");
    assertThat(env(container, "SEKISHO_METRICS_PORT")).isEqualTo("9191");
    assertThat(env(container, "SEKISHO_HEALTH_PORT")).isEqualTo("8181");
    assertThat(env(container, "SEKISHO_API_CA_CONFIGMAP")).isEqualTo("corp-sekisho-ca");
    List<Integer> containerPorts = new ArrayList<>();
    container.path("ports").forEach(p -> containerPorts.add(p.path("containerPort").asInt()));
    assertThat(containerPorts).containsExactlyInAnyOrder(9443, 9191, 8181);

    JsonNode service = kind(docs, "Service");
    List<Integer> servicePorts = new ArrayList<>();
    service.path("spec").path("ports").forEach(p -> servicePorts.add(p.path("port").asInt()));
    assertThat(servicePorts).containsExactlyInAnyOrder(9443, 9191);

    List<Integer> admitted = new ArrayList<>();
    kind(docs, "NetworkPolicy")
        .path("spec")
        .path("ingress")
        .forEach(i -> i.path("ports").forEach(p -> admitted.add(p.path("port").asInt())));
    assertThat(admitted).containsExactlyInAnyOrder(9443, 9191);

    JsonNode task = kind(docs, "Task");
    assertThat(task.path("metadata").path("namespace").asText()).isEqualTo("team-a");
    String server = null;
    for (JsonNode p : task.path("spec").path("params")) {
      if (p.path("name").asText().equals("SERVER")) {
        server = p.path("default").asText();
      }
    }
    assertThat(server).isEqualTo("https://sekisho-scan-api.security-tools.svc:9443");
    List<String> configMaps = new ArrayList<>();
    task.path("spec")
        .path("volumes")
        .forEach(v -> configMaps.add(v.path("configMap").path("name").asText("")));
    assertThat(configMaps).contains("corp-sekisho-ca").doesNotContain("sekisho-scan-api-ca");

    assertThat(
            kind(docs, "ServiceMonitor").path("metadata").path("labels").path("release").asText())
        .isEqualTo("prom");
  }

  @Test
  void theDefaultsKeepTheShippedTaskAndPorts() throws Exception {
    Result r =
        helm(
            "template",
            "sekisho",
            CHART.toString(),
            "--namespace",
            "sekisho-system",
            "--set",
            "task.namespaces={team-a}");
    assertThat(r.code).as(r.output).isZero();
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(CHART, r.output).forEach(d -> docs.add(d.tree()));
    JsonNode shipped =
        ManifestFiles.documents(ManifestFiles.root().resolve("manifests/tekton/scan-image.yaml"))
            .get(0)
            .tree();
    JsonNode rendered = kind(docs, "Task");
    // same params (the shipped default SERVER names sekisho-system:8443) and same volumes
    assertThat(rendered.path("spec").path("params")).isEqualTo(shipped.path("spec").path("params"));
    assertThat(rendered.path("spec").path("volumes"))
        .isEqualTo(shipped.path("spec").path("volumes"));
  }

  @Test
  void taskImageIsTheDefaultOfTheTasksScannerImageParam() throws Exception {
    Result r =
        helm(
            "template",
            "sekisho",
            CHART.toString(),
            "--set",
            "task.namespaces={team-a}",
            "--set",
            "taskImage.repository=registry.local/mirror/sekisho-task",
            "--set",
            "taskImage.tag=1.2.3");
    assertThat(r.code).as(r.output).isZero();
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(CHART, r.output).forEach(d -> docs.add(d.tree()));
    JsonNode task = kind(docs, "Task");
    String scannerImage = null;
    for (JsonNode p : task.path("spec").path("params")) {
      if (p.path("name").asText().equals("SCANNER_IMAGE")) {
        scannerImage = p.path("default").asText();
      }
    }
    assertThat(scannerImage).isEqualTo("registry.local/mirror/sekisho-task:1.2.3");
    // the step takes its image from the param, so a pipeline can still override it
    assertThat(task.path("spec").path("steps").get(0).path("image").asText())
        .isEqualTo("$(params.SCANNER_IMAGE)");
  }

  @Test
  void aRegistryPullSecretReachesTheOperatorAsItsDockerConfig() throws Exception {
    Result r =
        helm(
            "template",
            "sekisho",
            CHART.toString(),
            "--set",
            "registry.pullSecret=base-images-pull");
    assertThat(r.code).as(r.output).isZero();
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(CHART, r.output).forEach(d -> docs.add(d.tree()));
    JsonNode pod = kind(docs, "Deployment").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    String dir = null;
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("DOCKER_CONFIG")) {
        dir = e.path("value").asText();
      }
    }
    assertThat(dir).as("DOCKER_CONFIG").isNotNull();
    String mount = null;
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals("registry-auth")) {
        mount = m.path("mountPath").asText();
      }
    }
    assertThat(mount).as("the credentials are mounted where DOCKER_CONFIG points").isEqualTo(dir);
    JsonNode secret = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals("registry-auth")) {
        secret = v.path("secret");
      }
    }
    assertThat(secret.path("secretName").asText()).isEqualTo("base-images-pull");
    assertThat(secret.path("items").get(0).path("key").asText()).isEqualTo(".dockerconfigjson");
    assertThat(secret.path("items").get(0).path("path").asText()).isEqualTo("config.json");

    // by default: no credentials, no DOCKER_CONFIG
    Result plain = helm("template", "sekisho", CHART.toString());
    assertThat(plain.output).doesNotContain("DOCKER_CONFIG").doesNotContain("registry-auth");
  }

  @Test
  void aMisspeltOrMistypedValueFailsTheInstall() throws Exception {
    Result unknown = helm("template", "sekisho", CHART.toString(), "--set", "task.install=true");
    assertThat(unknown.code).isNotZero();
    assertThat(unknown.output).contains("install").containsIgnoringCase("additional propert");

    Result badPort = helm("template", "sekisho", CHART.toString(), "--set", "scanApi.port=0");
    assertThat(badPort.code).isNotZero();
    assertThat(badPort.output).contains("/scanApi/port");

    Result badDuration =
        helm("template", "sekisho", CHART.toString(), "--set", "database.updateInterval=6 hours");
    assertThat(badDuration.code).isNotZero();
    assertThat(badDuration.output).contains("/database/updateInterval");

    Result badPolicy =
        helm("template", "sekisho", CHART.toString(), "--set", "admission.failurePolicy=Closed");
    assertThat(badPolicy.code).isNotZero();
    assertThat(badPolicy.output).contains("/admission/failurePolicy");

    Result clash =
        helm(
            "template",
            "sekisho",
            CHART.toString(),
            "--set",
            "admission.enabled=true",
            "--set",
            "scanApi.port=9443");
    assertThat(clash.code).isNotZero();
    assertThat(clash.output).contains("admission.port 9443 is already the port");
  }

  @Test
  void kubectlGetSekishoListsPoliciesAndResults(KubeApiServer server) throws Exception {
    String ns = server.createNamespace("category");
    Result r =
        run(
            List.of(
                server.binaries().kubectl().toString(),
                "--kubeconfig",
                server.kubeconfig().toString(),
                "api-resources",
                "--categories=sekisho",
                "-o",
                "name"));
    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output.lines().map(String::strip).toList())
        .containsExactlyInAnyOrder(
            "clusterscanpolicies.sekisho.dev",
            "scanpolicies.sekisho.dev",
            "scanresults.sekisho.dev");
    Result get =
        run(
            List.of(
                server.binaries().kubectl().toString(),
                "--kubeconfig",
                server.kubeconfig().toString(),
                "get",
                "sekisho",
                "-n",
                ns));
    assertThat(get.code).as(get.output).isZero();
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    return null;
  }

  private record Result(int code, String output) {}

  private static Result helm(String... args) throws Exception {
    Path helm = TestCache.helm();
    assertThat(helm).as("helm missing at %s: run hack/tool-binaries.sh", helm).isExecutable();
    List<String> command = new ArrayList<>();
    command.add(helm.toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs a command through the test kit (output to files, the process tree killed on timeout). */
  private static Result run(List<String> command) {
    ChildProcess.Result r =
        ChildProcess.run(
            new ProcessBuilder(command).redirectErrorStream(true), Duration.ofMinutes(2));
    return new Result(r.exitCode(), r.stdout());
  }
}
