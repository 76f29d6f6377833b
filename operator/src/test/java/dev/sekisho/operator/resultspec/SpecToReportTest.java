package dev.sekisho.operator.resultspec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.check.ImageChecks;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicySelector;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ScanResult evaluated from its spec alone names its image as the scan named it, so selectors and
 * registry rules decide the same with or without the stored report.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpecToReportTest {

  private static ImageFacts facts(String image) {
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(image);
    return SpecToReport.imageFacts(spec);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nginx:1.27",
        "library/nginx:1.27",
        "docker.io/library/nginx:1.27",
        "registry.example.com/team/app:v1",
        "127.0.0.1:5000/app:1"
      })
  void theImageIsSplitAndNormalisedAsTheScannerNamesIt(String image) {
    ImageReference scanned = ImageReference.parse(image);
    ImageFacts facts = facts(image);
    assertThat(facts.reference()).isEqualTo(image);
    assertThat(facts.registry()).isEqualTo(scanned.registry());
    assertThat(facts.repository()).isEqualTo(scanned.repository());
    assertThat(facts.tag()).isEqualTo(scanned.tag());
  }

  @Test
  void aDockerHubImageComesFromItsRegistry() {
    assertThat(ImageChecks.registry(facts("nginx:1.27"), List.of(Glob.compile("docker.io"))))
        .isEmpty();
  }

  @Test
  void aSelectorNamingTheFullDockerHubNameSelectsTheImage() {
    ImageSelector selector = new ImageSelector();
    selector.setImages(List.of("docker.io/library/nginx:*"));
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setSelector(selector);
    NamedPolicy policy = new NamedPolicy(NamedPolicy.CLUSTER_SCAN_POLICY, null, "p", spec);
    assertThat(PolicySelector.selects(policy, facts("nginx:1.27"), null)).isTrue();
  }

  @Test
  void aHandWrittenImageThatIsNoValidReferenceIsStillSplit() {
    ImageFacts facts = facts("ghcr.io/o/app:v2@sha256:abc");
    assertThat(facts.registry()).isEqualTo("ghcr.io");
    assertThat(facts.repository()).isEqualTo("o/app");
    assertThat(facts.tag()).isEqualTo("v2");
  }

  @Test
  void aSpecWithoutImageHasNoName() {
    ImageFacts facts = facts(null);
    assertThat(facts.registry()).isNull();
    assertThat(facts.repository()).isNull();
    assertThat(facts.tag()).isNull();
  }
}
