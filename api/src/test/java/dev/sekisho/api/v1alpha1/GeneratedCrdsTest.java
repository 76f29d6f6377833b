package dev.sekisho.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRD copies must equal what the crd-generator produced in this build. */
class GeneratedCrdsTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path ROOT = Path.of("..");

  static List<Path> generated() throws IOException {
    try (Stream<Path> files = Files.list(GENERATED)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
    }
  }

  @Test
  void generatesTheFourCrds() throws IOException {
    assertThat(generated())
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "clusterscanpolicies.sekisho.dev-v1.yml",
            "scannotifiers.sekisho.dev-v1.yml",
            "scanpolicies.sekisho.dev-v1.yml",
            "scanresults.sekisho.dev-v1.yml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifests/crds", "charts/sekisho/crds"})
  void committedCopiesMatchGenerated(String dir) throws IOException {
    for (Path crd : generated()) {
      String name = crd.getFileName().toString().replace("-v1.yml", ".yaml");
      Path copy = ROOT.resolve(dir).resolve(name);
      assertThat(copy)
          .as("%s drifted from the generated CRD; run hack/update-crds.sh", copy.normalize())
          .exists();
      assertThat(Files.readString(copy))
          .as("%s drifted from the generated CRD; run hack/update-crds.sh", copy.normalize())
          .isEqualTo(Files.readString(crd));
    }
    try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
      assertThat(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".sekisho.dev.yaml"))
                  .sorted()
                  .toList())
          .as("no stale CRDs in %s", dir)
          .containsExactlyElementsOf(
              generated().stream()
                  .map(p -> p.getFileName().toString().replace("-v1.yml", ".yaml"))
                  .toList());
    }
  }
}
