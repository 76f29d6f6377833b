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

  /**
   * A stored result re-evaluated from its spec keeps each secret's fingerprint and file path, so a
   * policy's secrets.allow (by fingerprint or path glob) decides as it did at scan time.
   */
  @Test
  void secretsKeepFingerprintAndPathForAllowances() throws Exception {
    String fp = "0123456789abcdef0123456789abcdef";
    dev.sekisho.scanner.model.ScanReport report =
        new dev.sekisho.scanner.model.ScanReport(
            facts("registry.example.com/team/app:v1"),
            null,
            List.of(),
            List.of(),
            List.of(
                new dev.sekisho.scanner.model.SecretFinding(
                    "private-key",
                    "Private key",
                    dev.sekisho.api.v1alpha1.Severity.Critical,
                    new dev.sekisho.scanner.model.Location("sha256:l1", "/app/testdata/k.pem"),
                    7,
                    "MIIE****",
                    fp)),
            List.of(),
            List.of(),
            null,
            null);
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage("registry.example.com/team/app:v1");
    ReportToSpec.fill(spec, report);

    var secret = SpecToReport.toReport(spec).secrets().getFirst();
    assertThat(secret.fingerprint()).isEqualTo(fp);
    assertThat(secret.relativePath()).isEqualTo("app/testdata/k.pem");
    assertThat(secret.line()).isEqualTo(7);
    String policy =
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata: {name: p}
        spec:
          secrets:
            forbid: true
            allow:
              - {path: "**/*.pem", expires: "2999-01-01T00:00:00Z", reason: "test keys"}
        """;
    var evaluation =
        dev.sekisho.scanner.policy.PolicyEngine.evaluate(
            SpecToReport.toReport(spec),
            dev.sekisho.scanner.policy.PolicyFiles.parse(policy, "p.yaml", false),
            java.time.Instant.parse("2026-06-01T00:00:00Z"));
    assertThat(evaluation.verdict()).isEqualTo(dev.sekisho.api.v1alpha1.Verdict.Pass);
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
