package dev.sekisho.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.AdmissionRules;
import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.ClusterScanPolicySpec;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.admission.AdmissionDecider.Decision;
import dev.sekisho.operator.admission.AdmissionDecider.Image;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.store.ReportStore;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission decision as a pure function of in-memory caches (a hand-written {@link
 * AdmissionDecider.Inputs}) and the reconciler's own {@link ResultEvaluator}: no API server.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AdmissionDeciderTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final String BAD = "sha256:" + "b".repeat(64);
  static final String GOOD = "sha256:" + "a".repeat(64);
  static final String APP = "registry.example.com/shop/app";

  @TempDir Path dir;

  /** The caches, as lists. */
  static final class Caches implements AdmissionDecider.Inputs {
    final Map<String, Map<String, String>> labels = new HashMap<>();
    final List<ScanPolicy> policies = new ArrayList<>();
    final List<ClusterScanPolicy> clusterPolicies = new ArrayList<>();
    final List<ScanResult> results = new ArrayList<>();

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
      return labels.getOrDefault(namespace, Map.of());
    }

    @Override
    public Collection<ScanPolicy> scanPolicies(String namespace) {
      return policies.stream()
          .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
          .toList();
    }

    @Override
    public Collection<ClusterScanPolicy> clusterPolicies() {
      return clusterPolicies;
    }

    @Override
    public List<ScanResult> byDigest(String digest) {
      return results.stream().filter(r -> digest.equals(r.getSpec().getDigest())).toList();
    }

    @Override
    public List<ScanResult> byTag(String tag) {
      return results.stream()
          .filter(r -> tag.equals(ScanResultCache.tagOf(r.getSpec().getImage())))
          .toList();
    }
  }

  private final Caches caches = new Caches();

  private AdmissionDecider decider() {
    return new AdmissionDecider(
        caches, new ResultEvaluator(new ReportStore(dir.resolve("s")))::evaluate);
  }

  private Decision decide(String namespace, String... images) {
    List<Image> list = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      list.add(new Image("spec.containers[c" + i + "]", images[i]));
    }
    return decider().decide(namespace, list, NOW);
  }

  static ScanPolicySpec noCritical(PolicyAction action, AdmissionRules admission) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(action);
    VulnerabilityRules v = new VulnerabilityRules();
    v.setFailOn(Severity.Critical);
    spec.setVulnerabilities(v);
    spec.setAdmission(admission);
    return spec;
  }

  static ScanPolicy policy(String namespace, String name, ScanPolicySpec spec) {
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    p.setSpec(spec);
    return p;
  }

  static AdmissionRules rules(Boolean requireScan, AdmissionRules.TagPolicy tags) {
    AdmissionRules r = new AdmissionRules();
    r.setRequireScan(requireScan);
    r.setTags(tags);
    return r;
  }

  /** A result (no status) for {@code image} at {@code digest}: critical findings when bad. */
  static ScanResult result(
      String namespace, String name, String image, String digest, boolean bad) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    r.getSpec().setImage(image);
    r.getSpec().setDigest(digest);
    r.getSpec().setScannedAt(OffsetDateTime.of(2026, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    if (bad) {
      Finding f = new Finding();
      f.setId("CVE-2024-3094");
      f.setSeverity(Severity.Critical);
      f.setPackageName("xz-utils");
      f.setInstalledVersion("5.6.0-0.2");
      r.getSpec().setFindings(List.of(f));
    }
    return r;
  }

  /** {@code r} with the status the reconciler would write in its namespace. */
  ScanResult decided(ScanResult r) {
    var policies =
        PolicyScope.select(
            r,
            caches.namespaceLabels(r.getMetadata().getNamespace()),
            caches.scanPolicies(r.getMetadata().getNamespace()),
            caches.clusterPolicies);
    var outcome = new ResultEvaluator(new ReportStore(dir.resolve("s"))).evaluate(r, policies, NOW);
    r.setStatus(ResultEvaluator.statusFor(r, outcome, NOW));
    return r;
  }

  @Test
  void aDigestThatFailsAnEnforcePolicyOfTheNamespaceIsDeniedNamingImageDigestPolicyAndViolation() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(decided(result("shop", "app-bad", APP + ":2.0", BAD, true)));

    Decision d = decide("shop", APP + "@" + BAD);

    assertThat(d.allowed()).isFalse();
    assertThat(d.message())
        .contains(APP + "@" + BAD)
        .contains(BAD)
        .contains("ScanPolicy/shop/no-critical")
        .contains("ScanResult shop/app-bad")
        .contains("CVE-2024-3094");
  }

  @Test
  void aPassingDigestIsAdmitted() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(decided(result("shop", "app-good", APP + ":1.0", GOOD, false)));

    assertThat(decide("shop", APP + "@" + GOOD).allowed()).isTrue();
  }

  @Test
  void aFailUnderAWarnPolicyIsAdmittedWithAWarning() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Warn, null)));
    caches.results.add(decided(result("shop", "app-bad", APP + ":2.0", BAD, true)));

    Decision d = decide("shop", APP + "@" + BAD);

    assertThat(d.allowed()).isTrue();
    assertThat(d.warnings()).singleElement().asString().contains("no-critical").contains("Warn");
  }

  @Test
  void aNamespaceWithoutPoliciesAdmitsEverything() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(decided(result("shop", "app-bad", APP + ":2.0", BAD, true)));

    assertThat(decide("other", APP + "@" + BAD).allowed()).isTrue();
  }

  @Test
  void aResultFromAnotherNamespaceIsEvaluatedAgainstThisNamespacesPolicies() {
    // scanned in "ci", where no policy applies; deployed to "shop", whose policy it fails
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(decided(result("ci", "app-bad", APP + ":2.0", BAD, true)));

    Decision d = decide("shop", APP + "@" + BAD);

    assertThat(d.allowed()).isFalse();
    assertThat(d.message())
        .contains("ScanPolicy/shop/no-critical")
        .contains("ScanResult ci/app-bad");
  }

  @Test
  void aResultOfThisNamespaceNotYetDecidedIsEvaluatedNow() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(result("shop", "app-bad", APP + ":2.0", BAD, true)); // no status yet

    assertThat(decide("shop", APP + "@" + BAD).allowed()).isFalse();
  }

  @Test
  void aClusterPolicySelectingTheNamespaceByLabelApplies() {
    ClusterScanPolicy p = new ClusterScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("prod").build());
    ClusterScanPolicySpec spec = new ClusterScanPolicySpec();
    spec.setVulnerabilities(noCritical(PolicyAction.Enforce, null).getVulnerabilities());
    spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("env", "prod").build());
    p.setSpec(spec);
    caches.clusterPolicies.add(p);
    caches.labels.put("shop", Map.of("env", "prod"));
    caches.results.add(result("ci", "app-bad", APP + ":2.0", BAD, true));

    assertThat(decide("shop", APP + "@" + BAD).message()).contains("ClusterScanPolicy/prod");
    assertThat(decide("dev", APP + "@" + BAD).allowed()).isTrue();
  }

  @Test
  void anUnscannedImageIsAdmittedUnlessAnEnforcePolicyRequiresAScan() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    assertThat(decide("shop", APP + "@" + GOOD).allowed()).isTrue();

    caches.policies.clear();
    caches.policies.add(
        policy("shop", "scanned", noCritical(PolicyAction.Enforce, rules(true, null))));
    Decision d = decide("shop", APP + "@" + GOOD);

    assertThat(d.allowed()).isFalse();
    assertThat(d.message())
        .contains("has no ScanResult for digest " + GOOD)
        .contains("ScanPolicy/shop/scanned")
        .contains("admission.requireScan");
  }

  @Test
  void aResultOfAScanThatFailedIsNoScanAnywhere() throws Exception {
    // the operator could not pull the image in "ci": that result admits nothing in "shop"
    ScanResult failed = result("ci", "app-error", APP + ":2.0", BAD, false);
    failed.getMetadata().setAnnotations(Map.of(Constants.ANNOTATION_SCAN_ERROR, "pull refused"));
    caches.results.add(failed);
    caches.policies.add(
        policy("shop", "scanned", noCritical(PolicyAction.Enforce, rules(true, null))));

    Decision d = decide("shop", APP + "@" + BAD);

    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("has no ScanResult for digest " + BAD);
  }

  @Test
  void anEnforcePolicyThatCannotBeEvaluatedDeniesAndAWarnPolicyOnlyWarns() throws Exception {
    // the result's stored report is unreadable: the evaluation fails
    ScanResult r = result("ci", "app-x", APP + ":2.0", BAD, false);
    r.getSpec().setStoreKey(ReportStore.key("ci", "app-x"));
    Files.createDirectories(dir.resolve("s"));
    Files.writeString(dir.resolve("s").resolve("ci_app-x.json.gz"), "not gzip");
    caches.results.add(r);
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.policies.add(policy("dev", "no-critical", noCritical(PolicyAction.Warn, null)));

    Decision shop = decide("shop", APP + "@" + BAD);
    assertThat(shop.allowed()).isFalse();
    assertThat(shop.message())
        .contains("cannot evaluate ScanResult ci/app-x")
        .contains("ScanPolicy/shop/no-critical");

    Decision dev = decide("dev", APP + "@" + BAD);
    assertThat(dev.allowed()).isTrue();
    assertThat(dev.warnings()).anySatisfy(w -> assertThat(w).contains("cannot evaluate"));
  }

  @Test
  void requireScanUnderAWarnPolicyOnlyWarns() {
    caches.policies.add(
        policy("shop", "scanned", noCritical(PolicyAction.Warn, rules(true, null))));

    Decision d = decide("shop", APP + "@" + GOOD);

    assertThat(d.allowed()).isTrue();
    assertThat(d.warnings()).singleElement().asString().contains("ScanPolicy/shop/scanned");
  }

  @Test
  void aTagIsResolvedToTheDigestOfItsNewestScan() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    ScanResult old = result("ci", "app-old", APP + ":stable", GOOD, false);
    ScanResult newer = result("ci", "app-new", APP + ":stable", BAD, true);
    newer.getSpec().setScannedAt(old.getSpec().getScannedAt().plusDays(1));
    caches.results.addAll(List.of(old, newer));

    Decision d = decide("shop", APP + ":stable");

    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains(APP + ":stable").contains(BAD);
    // the other tag spelling of the same reference resolves alike
    caches.results.remove(newer);
    assertThat(decide("shop", APP + ":stable").allowed()).isTrue();
  }

  @Test
  void aTagNoResultRecordsIsUnscanned() {
    caches.policies.add(
        policy("shop", "scanned", noCritical(PolicyAction.Enforce, rules(true, null))));
    caches.results.add(result("ci", "app", APP + ":1.0", GOOD, false));

    Decision d = decide("shop", APP + ":9.9");

    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("has no ScanResult for its tag");
    assertThat(decide("shop", APP + ":1.0").allowed()).isTrue();
  }

  @Test
  void tagsDenyRefusesEveryTagEvenAScannedPassingOne() {
    caches.policies.add(
        policy(
            "shop",
            "pinned",
            noCritical(PolicyAction.Enforce, rules(null, AdmissionRules.TagPolicy.Deny))));
    caches.results.add(result("ci", "app", APP + ":1.0", GOOD, false));

    Decision d = decide("shop", APP + ":1.0");

    assertThat(d.allowed()).isFalse();
    assertThat(d.message()).contains("referenced by tag").contains("admission.tags: Deny");
    assertThat(decide("shop", APP + "@" + GOOD).allowed()).isTrue();
    assertThat(decide("shop", APP + ":1.0@" + GOOD).allowed()).isTrue();
  }

  @Test
  void aPolicyWhoseImageSelectorDoesNotMatchTheImageDoesNotApply() {
    ScanPolicySpec spec =
        noCritical(PolicyAction.Enforce, rules(true, AdmissionRules.TagPolicy.Deny));
    var selector = new dev.sekisho.api.v1alpha1.ImageSelector();
    selector.setImages(List.of("registry.example.com/other/**"));
    spec.setSelector(selector);
    caches.policies.add(policy("shop", "other-team", spec));
    caches.results.add(result("ci", "app-bad", APP + ":2.0", BAD, true));

    assertThat(decide("shop", APP + ":2.0").allowed()).isTrue();
    assertThat(decide("shop", APP + "@" + BAD).allowed()).isTrue();
    assertThat(decide("shop", "registry.example.com/other/x:1").allowed()).isFalse();
  }

  @Test
  void everyRefusedImageIsNamedOnceAndThePassingOnesNot() {
    caches.policies.add(policy("shop", "no-critical", noCritical(PolicyAction.Enforce, null)));
    caches.results.add(decided(result("shop", "bad", APP + ":2.0", BAD, true)));
    caches.results.add(decided(result("shop", "good", APP + ":1.0", GOOD, false)));

    Decision d = decide("shop", APP + "@" + GOOD, APP + "@" + BAD, APP + "@" + BAD);

    assertThat(d.allowed()).isFalse();
    assertThat(d.message().split(BAD, -1)).hasSize(3); // the reference and the digest, once
    assertThat(d.message()).doesNotContain(GOOD);
  }

  @Test
  void theNewestResultWinsAmongSeveral() {
    ScanResult a = result("x", "a", APP + ":1", GOOD, false);
    ScanResult b = result("y", "b", APP + ":1", GOOD, false);
    b.getSpec().setScannedAt(a.getSpec().getScannedAt().plusSeconds(1));
    assertThat(
            Objects.requireNonNull(AdmissionDecider.newest(List.of(a, b))).getMetadata().getName())
        .isEqualTo("b");
  }
}
