package dev.sekisho.scanner.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaseImageIdentifierTest {

  /** A registry of candidate images by reference, recording what was asked. */
  private static final class FakeResolver implements BaseImageResolver {
    final Map<String, List<String>> images;
    final List<String> asked = new ArrayList<>();

    FakeResolver(Map<String, List<String>> images) {
      this.images = images;
    }

    @Override
    public List<String> layerDiffIds(String imageRef) throws IOException {
      asked.add(imageRef);
      List<String> layers = images.get(imageRef);
      if (layers == null) {
        throw new IOException("manifest unknown");
      }
      return layers;
    }
  }

  private static final FakeResolver REGISTRY =
      new FakeResolver(
          Map.of(
              "debian:bookworm", List.of("sha256:deb1"),
              "python:3.12-bookworm", List.of("sha256:deb1", "sha256:py1", "sha256:py2"),
              "node:22-bookworm", List.of("sha256:deb1", "sha256:node1"),
              "alpine:3.20", List.of("sha256:alp1")));

  private static ImageFacts image(Map<String, String> annotations, String... diffIds) {
    List<LayerInfo> layers = new ArrayList<>();
    for (String d : diffIds) {
      layers.add(new LayerInfo("blob-" + d, d, 1, "application/vnd.oci.image.layer.v1.tar", null));
    }
    return new ImageFacts(
        "registry.example.com/app:1",
        "registry.example.com",
        "app",
        "1",
        null,
        "linux/amd64",
        "app",
        null,
        null,
        true,
        Map.of(),
        annotations,
        null,
        layers);
  }

  @Test
  void annotationsWinWithoutAskingTheRegistry() {
    FakeResolver resolver = new FakeResolver(REGISTRY.images);
    var result =
        BaseImageIdentifier.identify(
            image(
                Map.of(
                    "org.opencontainers.image.base.name", "docker.io/library/debian:bookworm",
                    "org.opencontainers.image.base.digest", "sha256:abc"),
                "sha256:deb1",
                "sha256:app"),
            List.of("python:3.12-bookworm"),
            resolver);
    assertThat(result.baseImage())
        .isEqualTo(
            new BaseImage(
                "docker.io/library/debian:bookworm", "sha256:abc", BaseImage.Method.ANNOTATION, 0));
    assertThat(resolver.asked).isEmpty();
  }

  @Test
  void theLongestFullySharedChainWins() {
    var result =
        BaseImageIdentifier.identify(
            image(Map.of(), "sha256:deb1", "sha256:py1", "sha256:py2", "sha256:app"),
            List.of("debian:bookworm", "python:3.12-bookworm", "node:22-bookworm", "alpine:3.20"),
            REGISTRY);
    assertThat(result.baseImage())
        .isEqualTo(new BaseImage("python:3.12-bookworm", null, BaseImage.Method.SHARED_LAYERS, 3));
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void aPartlySharedChainIsNotABase() {
    // Shares debian's layer with node, but not node's own layer: built on debian, not node.
    var result =
        BaseImageIdentifier.identify(
            image(Map.of(), "sha256:deb1", "sha256:other"),
            List.of("node:22-bookworm", "debian:bookworm"),
            REGISTRY);
    assertThat(result.baseImage().reference()).isEqualTo("debian:bookworm");
    assertThat(result.baseImage().sharedLayers()).isEqualTo(1);
  }

  @Test
  void globsAreNotResolvedAndUnknownCandidatesBecomeWarnings() {
    FakeResolver resolver = new FakeResolver(REGISTRY.images);
    var result =
        BaseImageIdentifier.identify(
            image(Map.of(), "sha256:alp9", "sha256:app"),
            List.of("debian:*", "gcr.io/distroless/**", "ghcr.io/missing/base:1"),
            resolver);
    assertThat(result.baseImage()).isNull();
    assertThat(resolver.asked).containsExactly("ghcr.io/missing/base:1");
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w.message()).contains("ghcr.io/missing/base:1", "manifest unknown"));
  }
}
