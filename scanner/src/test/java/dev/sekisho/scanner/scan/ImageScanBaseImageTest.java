package dev.sekisho.scanner.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.NamedPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Base image identification by shared leading layers, from the selected policies' allow list. */
@Timeout(30)
class ImageScanBaseImageTest {
  private static final Map<String, List<String>> REGISTRY =
      Map.of(
          "registry.example.com/base/ubi9:9.4", List.of("sha256:ubi1", "sha256:ubi2"),
          "registry.example.com/base/ubi9-java:21",
              List.of("sha256:ubi1", "sha256:ubi2", "sha256:jre"));

  private final List<String> asked = new ArrayList<>();
  private final BaseImageResolver resolver =
      ref -> {
        asked.add(ref);
        List<String> layers = REGISTRY.get(ref);
        if (layers == null) {
          throw new IOException("manifest unknown");
        }
        return layers;
      };

  private static Inventory image(Map<String, String> annotations, String... diffIds) {
    List<LayerInfo> layers = new ArrayList<>();
    for (String d : diffIds) {
      layers.add(new LayerInfo("blob-" + d, d, 1, "application/vnd.oci.image.layer.v1.tar", null));
    }
    ImageFacts facts =
        new ImageFacts(
            "registry.example.com/shop/backend:1",
            "registry.example.com",
            "shop/backend",
            "1",
            null,
            "linux/amd64",
            "1001",
            null,
            null,
            true,
            null,
            annotations,
            null,
            layers);
    return new Inventory(facts, null, List.of(), List.of(), List.of());
  }

  /** The one scan function with these policies and the fake registry. */
  private ScanReport scan(Inventory inventory, NamedPolicy... policies) throws IOException {
    return ScanPipeline.scan(
            new ScanInput(
                new ScanInput.Received(inventory),
                null,
                new ScanInput.Policies(List.of(policies), null, true),
                resolver,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                "test"))
        .report();
  }

  private static NamedPolicy allowing(String... bases) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAllowedBaseImages(List.of(bases));
    return new NamedPolicy(NamedPolicy.FILE, null, "prod", spec);
  }

  @Test
  void longestSharedChainAmongAllowedImagesNamesTheBase() throws IOException {
    Inventory r = image(Map.of(), "sha256:ubi1", "sha256:ubi2", "sha256:jre", "sha256:app");
    ScanReport identified =
        scan(
            r,
            allowing(
                "registry.example.com/base/ubi9:9.4",
                "registry.example.com/base/ubi9-java:21",
                "registry.example.com/base/**"));
    assertThat(identified.baseImage().reference())
        .isEqualTo("registry.example.com/base/ubi9-java:21");
    assertThat(identified.baseImage().method()).isEqualTo(BaseImage.Method.SHARED_LAYERS);
    assertThat(asked).as("globs are not resolved").doesNotContain("registry.example.com/base/**");
  }

  @Test
  void annotationWinsAndNothingIsFetched() throws IOException {
    Inventory r =
        image(
            Map.of("org.opencontainers.image.base.name", "registry.example.com/base/ubi9:9.4"),
            "sha256:ubi1");
    ScanReport identified = scan(r, allowing("registry.example.com/base/ubi9-java:21"));
    assertThat(identified.baseImage().method()).isEqualTo(BaseImage.Method.ANNOTATION);
    assertThat(asked).isEmpty();
  }

  @Test
  void unresolvableCandidateBecomesAWarningNotAFailure() throws IOException {
    Inventory r = image(Map.of(), "sha256:other", "sha256:app");
    ScanReport identified = scan(r, allowing("registry.example.com/base/missing:1"));
    assertThat(identified.baseImage()).isNull();
    assertThat(identified.warnings())
        .anySatisfy(w -> assertThat(w.message()).contains("missing:1"));
  }

  @Test
  void withoutAllowedBaseImagesNothingIsResolved() throws IOException {
    Inventory r = image(Map.of(), "sha256:ubi1");
    ScanReport identified = scan(r, allowing());
    assertThat(identified.baseImage()).isNull();
    assertThat(identified.warnings()).isEmpty();
    assertThat(asked).isEmpty();
  }

  @Test
  void aPolicyWhoseSelectorLeavesTheImageOutNamesNoCandidate() throws IOException {
    NamedPolicy other = allowing("registry.example.com/base/ubi9:9.4");
    other.spec().setSelector(new ImageSelector());
    other.spec().getSelector().setImages(List.of("registry.example.com/other/**"));
    ScanReport identified =
        scan(image(Map.of(), "sha256:ubi1", "sha256:ubi2", "sha256:app"), other);
    assertThat(identified.baseImage()).isNull();
    assertThat(asked).isEmpty();
  }

  @Test
  void candidatesAreWantedOnlyForLayersWithoutAnAnnotation() {
    assertThat(ScanPipeline.usesBaseImageCandidates(image(Map.of(), "sha256:ubi1").image()))
        .isTrue();
    assertThat(
            ScanPipeline.usesBaseImageCandidates(
                image(
                        Map.of("org.opencontainers.image.base.name", "registry.example.com/b:1"),
                        "sha256:ubi1")
                    .image()))
        .isFalse();
    assertThat(ScanPipeline.usesBaseImageCandidates(image(Map.of()).image())).isFalse();
    assertThat(ScanPipeline.usesBaseImageCandidates(null)).isFalse();
  }
}
