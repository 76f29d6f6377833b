package dev.sekisho.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.TestCache;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OLM bundle under {@code bundle/} is what {@link OlmBundle} generates from the chart, passes
 * the operator framework's own bundle validation (OperatorHub and good-practice validators
 * included; a deliberately broken copy fails it, so the check is not vacuous), and its embedded
 * Deployment and RBAC are accepted by a real API server.
 *
 * <p>{@code -Dsekisho.updateBundle=true} (hack/update-bundle.sh) rewrites the bundle instead of
 * comparing.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OlmBundleIT {
  private static final String OLM_API_VERSION =
      System.getenv().getOrDefault("SEKISHO_OLM_API_VERSION", "0.47.1");
  private static final Path ROOT = ManifestFiles.root();
  private static final Path CSV =
      Path.of("bundle/manifests", OlmBundle.PACKAGE + ".clusterserviceversion.yaml");

  @Test
  void committedBundleIsWhatTheGeneratorWrites() throws Exception {
    Map<String, String> generated = OlmBundle.generate(ROOT, renderChart());
    if (Boolean.getBoolean("sekisho.updateBundle")) {
      OlmBundle.write(ROOT, generated);
    }
    Map<String, String> committed = OlmBundle.committed(ROOT);
    assertThat(committed.keySet())
        .as("bundle/ files differ from the generator's; run hack/update-bundle.sh")
        .containsExactlyElementsOf(generated.keySet());
    for (Map.Entry<String, String> f : generated.entrySet()) {
      assertThat(committed.get(f.getKey()))
          .as("%s drifted from the chart, CRDs or template; run hack/update-bundle.sh", f.getKey())
          .isEqualTo(f.getValue());
    }
  }

  /**
   * Warnings judged acceptable, each with why; every other warning fails. The validator also fails
   * when one of these no longer matches, so the list cannot go stale.
   */
  private static final List<String> ACCEPTED_WARNINGS =
      List.of(
          // the brief's channel is "alpha" (maturity alpha); the convention wants
          // candidate/fast/stable, which would promise more than an alpha operator gives
          "are not following the recommended naming convention",
          // ScanResults are written only by the operator (namespace admins may only read them): an
          // example in the console's "Create" form would invite users to forge one
          "Kind=ScanResult: provided API should have an example annotation");

  @Test
  void bundlePassesTheOperatorFrameworkValidation() throws Exception {
    Result r = validate(ROOT.resolve("bundle"));
    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output)
        .contains("0 error(s), 0 warning(s), " + ACCEPTED_WARNINGS.size() + " accepted warning(s)")
        // the deprecated-API check prints this and skips the CSV when a field has the wrong type
        .doesNotContain("failed to convert");
  }

  @Test
  void validationFailsABundleWithoutInstallModes(@TempDir Path tmp) throws Exception {
    Path copy = copyBundle(tmp);
    ObjectNode csv =
        (ObjectNode) ManifestFiles.YAML.readTree(copy.resolve(CSV.subpath(1, 3)).toFile());
    ((ObjectNode) csv.path("spec")).remove("installModes");
    Files.writeString(copy.resolve(CSV.subpath(1, 3)), ManifestFiles.YAML.writeValueAsString(csv));
    Result r = validate(copy);
    assertThat(r.code).as(r.output).isEqualTo(1);
    assertThat(r.output).contains("ERROR").contains("install modes not found");
  }

  @Test
  void validationFailsABundleWhoseCrdIsNotOwned(@TempDir Path tmp) throws Exception {
    Path copy = copyBundle(tmp);
    ObjectNode csv =
        (ObjectNode) ManifestFiles.YAML.readTree(copy.resolve(CSV.subpath(1, 3)).toFile());
    var owned =
        (com.fasterxml.jackson.databind.node.ArrayNode)
            csv.path("spec").path("customresourcedefinitions").path("owned");
    assertThat(owned.get(0).path("kind").asText()).isEqualTo("ClusterScanPolicy");
    owned.remove(0);
    Files.writeString(copy.resolve(CSV.subpath(1, 3)), ManifestFiles.YAML.writeValueAsString(csv));
    Result r = validate(copy);
    assertThat(r.code).as(r.output).isEqualTo(1);
    assertThat(r.output)
        .contains("Kind=ClusterScanPolicy\" is present in bundle")
        .contains("but not defined in CSV");
  }

  @Test
  void embeddedDeploymentAndRbacAreAcceptedByTheApiServer(KubeApiServer server) throws Exception {
    String ns = server.createNamespace("olm");
    JsonNode csv = ManifestFiles.YAML.readTree(ROOT.resolve(CSV).toFile());
    JsonNode install = csv.path("spec").path("install").path("spec");
    List<ObjectNode> objects = new ArrayList<>();
    ObjectNode sa = ManifestFiles.YAML.createObjectNode();
    sa.put("apiVersion", "v1").put("kind", "ServiceAccount");
    sa.putObject("metadata").put("name", OlmBundle.SERVICE_ACCOUNT);
    objects.add(sa);
    for (JsonNode d : install.path("deployments")) {
      ObjectNode deployment = ManifestFiles.YAML.createObjectNode();
      deployment.put("apiVersion", "apps/v1").put("kind", "Deployment");
      deployment
          .putObject("metadata")
          .put("name", d.path("name").asText())
          .set("labels", d.path("label"));
      deployment.set("spec", d.path("spec"));
      objects.add(deployment);
    }
    for (JsonNode p : install.path("clusterPermissions")) {
      ObjectNode role = ManifestFiles.YAML.createObjectNode();
      role.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "ClusterRole");
      role.putObject("metadata").put("name", "olm-it-" + ns);
      role.set("rules", p.path("rules"));
      objects.add(role);
    }
    for (JsonNode p : install.path("permissions")) {
      ObjectNode role = ManifestFiles.YAML.createObjectNode();
      role.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "Role");
      role.putObject("metadata").put("name", "olm-it");
      role.set("rules", p.path("rules"));
      objects.add(role);
    }
    assertThat(objects)
        .extracting(o -> o.path("kind").asText())
        .contains("Deployment", "ClusterRole", "Role");
    try (Stream<Path> files = Files.list(ROOT.resolve("bundle/manifests"))) {
      for (Path f : files.sorted().toList()) {
        JsonNode doc = ManifestFiles.YAML.readTree(f.toFile());
        String kind = doc.path("kind").asText();
        if (!kind.equals("ClusterServiceVersion") && !kind.equals("CustomResourceDefinition")) {
          objects.add((ObjectNode) doc);
        }
      }
    }
    dryRunCreate(server.adminClient(), objects, ns);
  }

  private static Path copyBundle(Path tmp) throws IOException {
    Path copy = tmp.resolve("bundle");
    Path source = ROOT.resolve("bundle");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.sorted().toList()) {
        Path target = copy.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }

  private static void dryRunCreate(KubernetesClient admin, List<ObjectNode> docs, String ns) {
    List<String> failures = new ArrayList<>();
    for (ObjectNode doc : docs) {
      GenericKubernetesResource resource =
          Serialization.unmarshal(doc.toString(), GenericKubernetesResource.class);
      String kind = resource.getKind();
      boolean namespaced =
          admin.getApiResources(resource.getApiVersion()).getResources().stream()
              .filter(r -> r.getKind().equals(kind) && !r.getName().contains("/"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("API server does not serve " + kind))
              .getNamespaced();
      if (namespaced) {
        resource.getMetadata().setNamespace(ns);
      }
      try {
        admin.resource(resource).dryRun().create();
      } catch (KubernetesClientException e) {
        failures.add(kind + "/" + resource.getMetadata().getName() + ": " + e.getMessage());
      }
    }
    assertThat(failures).isEmpty();
  }

  private static List<JsonNode> renderChart() throws Exception {
    Path helm = TestCache.helm();
    assertThat(helm).as("helm missing at %s: run hack/tool-binaries.sh", helm).isExecutable();
    Path chart = ROOT.resolve("charts/sekisho");
    // the bundle carries the admission webhook (as webhookdefinitions): OLM installs it
    Result r =
        run(
            List.of(
                helm.toString(),
                "template",
                "sekisho",
                chart.toString(),
                "--set",
                "admission.enabled=true"));
    assertThat(r.code).as(r.output).isZero();
    List<JsonNode> docs = new ArrayList<>();
    ManifestFiles.documents(chart, r.output).forEach(d -> docs.add(d.tree()));
    return docs;
  }

  private static Result validate(Path bundle) throws Exception {
    byte[] source = Files.readAllBytes(ROOT.resolve("hack/olm-validate/main.go"));
    String hash =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(source))
            .substring(0, 12);
    Path tool =
        TestCache.root()
            .resolve("tools")
            .resolve("olm-validate-v" + OLM_API_VERSION + "-" + hash)
            .resolve("olm-validate");
    assertThat(tool)
        .as("olm-validate missing at %s: run hack/tool-binaries.sh", tool)
        .isExecutable();
    List<String> command = new ArrayList<>(List.of(tool.toString()));
    for (String accepted : ACCEPTED_WARNINGS) {
      command.add("-allow-warning");
      command.add(accepted);
    }
    command.add(bundle.toString());
    return run(command);
  }

  private record Result(int code, String output) {}

  /** Runs a command through the test kit (output to files, the process tree killed on timeout). */
  private static Result run(List<String> command) {
    ChildProcess.Result r =
        ChildProcess.run(
            new ProcessBuilder(command).redirectErrorStream(true), Duration.ofMinutes(2));
    return new Result(r.exitCode(), r.stdout());
  }
}
