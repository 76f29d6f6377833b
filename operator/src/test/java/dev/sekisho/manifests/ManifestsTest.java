package dev.sekisho.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.operator.CrashPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every YAML under manifests/ and charts/ parses with the fabric8 models; no unknown fields. */
class ManifestsTest {

  static Stream<ManifestFiles.Document> documents() {
    return ManifestFiles.yamlFiles("manifests", "charts").stream()
        .flatMap(f -> ManifestFiles.documents(f).stream());
  }

  /**
   * Fields that Tekton v1 has but the fabric8 tekton-model 7.1.0 lacks: Tekton embeds ResolverRef
   * ({@code resolver}, {@code params}) inline in TaskRef, and the generated model misses inlined
   * structs. These are checked against Tekton's own CRDs on the real API server instead.
   */
  private static final java.util.regex.Pattern MODEL_GAPS =
      java.util.regex.Pattern.compile(".*\\.taskRef\\.(resolver|params)$");

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void parsesWithoutUnknownFields(ManifestFiles.Document doc) throws Exception {
    assertThat(ManifestFiles.unknownFields(doc))
        .as("unknown fields in %s", doc)
        .filteredOn(f -> !MODEL_GAPS.matcher(f).matches())
        .isEmpty();
  }

  @Test
  void coversTheTektonAndOperatorManifests() {
    List<String> kinds = documents().map(ManifestFiles.Document::kind).toList();
    assertThat(kinds)
        .contains(
            "Task",
            "StepAction",
            "Pipeline",
            "PipelineRun",
            "ScanPolicy",
            "ClusterScanPolicy",
            "ClusterRole",
            "Deployment",
            "CustomResourceDefinition");
  }

  @Test
  void chartShipsTheSameTaskAsTheManifests() {
    Path root = ManifestFiles.root();
    assertThat(ManifestFiles.readString(root.resolve("charts/sekisho/files/scan-image.yaml")))
        .as("charts/sekisho/files/scan-image.yaml must equal manifests/tekton/scan-image.yaml")
        .isEqualTo(ManifestFiles.readString(root.resolve("manifests/tekton/scan-image.yaml")));
  }

  @Test
  void theStepImageIsAParamDefaultingToTheShippedTaskImage() {
    for (String file :
        List.of(
            "manifests/tekton/scan-image.yaml", "manifests/tekton/scan-image-stepaction.yaml")) {
      JsonNode spec =
          ManifestFiles.documents(ManifestFiles.root().resolve(file)).get(0).tree().path("spec");
      JsonNode image =
          file.endsWith("stepaction.yaml")
              ? spec.path("image")
              : spec.path("steps").get(0).path("image");
      assertThat(image.asText()).as(file).isEqualTo("$(params.SCANNER_IMAGE)");
      JsonNode param = null;
      for (JsonNode p : spec.path("params")) {
        if (p.path("name").asText().equals("SCANNER_IMAGE")) {
          param = p;
        }
      }
      assertThat(param).as(file + ": param SCANNER_IMAGE").isNotNull();
      assertThat(param.path("type").asText()).isEqualTo("string");
      assertThat(param.path("default").asText())
          .as(file)
          .isEqualTo("ghcr.io/sekisho/sekisho-task:" + CHART_APP_VERSION);
    }
  }

  /** The chart's appVersion: the version of the images the manifests ship. */
  private static final String CHART_APP_VERSION = chartAppVersion();

  private static String chartAppVersion() {
    return ManifestFiles.readString(ManifestFiles.root().resolve("charts/sekisho/Chart.yaml"))
        .lines()
        .filter(l -> l.startsWith("appVersion:"))
        .map(l -> l.substring("appVersion:".length()).strip().replace("\"", ""))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void noShippedManifestArmsACrashPoint() throws IOException {
    // SEKISHO_CRASH_AT is a testing aid: nothing an admin installs may set it
    Path root = ManifestFiles.root();
    for (String dir : List.of("charts", "manifests", "bundle")) {
      try (Stream<Path> files = Files.walk(root.resolve(dir))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.readString(f)).as(f.toString()).doesNotContain(CrashPoint.ENV);
        }
      }
    }
  }

  @Test
  void operatorRbacHasNoWildcards() {
    List<String> wildcards = new ArrayList<>();
    for (ManifestFiles.Document doc :
        ManifestFiles.documents(
            ManifestFiles.root().resolve("manifests/operator/base/rbac.yaml"))) {
      for (JsonNode rule : doc.tree().path("rules")) {
        for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
          rule.path(field)
              .forEach(
                  v -> {
                    if (v.asText().contains("*")) {
                      wildcards.add(doc + " " + field + "=" + v.asText());
                    }
                  });
        }
      }
    }
    assertThat(wildcards).isEmpty();
  }

  @Test
  void taskStepFitsTheRestrictedSecurityProfile() {
    JsonNode task =
        ManifestFiles.documents(ManifestFiles.root().resolve("manifests/tekton/scan-image.yaml"))
            .get(0)
            .tree();
    for (JsonNode step : task.path("spec").path("steps")) {
      JsonNode sc = step.path("securityContext");
      assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
      assertThat(sc.path("capabilities").path("drop").toString()).contains("ALL");
      assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
      assertThat(sc.has("runAsUser")).as("no fixed UID: OpenShift assigns one").isFalse();
      assertThat(step.path("computeResources").path("limits").path("memory").isMissingNode())
          .isFalse();
      assertThat(step.path("computeResources").path("requests").path("cpu").isMissingNode())
          .isFalse();
    }
  }
}
