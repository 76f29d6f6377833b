package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyException;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.testing.PipelineRuns;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.testkit.SekishoIntegrationTest;
import dev.sekisho.testkit.fixtures.AlpineFixture;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.net.RefusedPort;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tekton step against the real operator: {@code sekisho scan IMAGE --digest=… --platform=…
 * --server=URL --tekton-results-dir=DIR} runs in-process with the Task's environment, reads a
 * fixture image from the real test registry and submits it as the pipeline ServiceAccount (a real
 * TokenRequest token) to the real operator (scan API over plain HTTP on 127.0.0.1, TokenReview and
 * SubjectAccessReview on the real kube-apiserver, controllers under leader election), which matches
 * it against a real vulnerability database compiled by the scanner's importer from a generated OSV
 * archive, records the ScanResult and decides. One operator serves the whole class; each test has
 * its own namespace.
 */
@SekishoIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepToOperatorIT {
  private static final String PIPELINE_SA = ScanSubmitters.PIPELINE_SA;
  private static final String CVE_OPENSSL = "CVE-2099-2001";
  private static final String CVE_ZLIB = "CVE-2099-2002";

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final TestRegistry registry;
  private final Fixtures fixtures;
  private RunningOperator operator;
  private Path bundle;

  @TempDir Path work;

  StepToOperatorIT(KubeApiServer kube, TestRegistry registry, Fixtures fixtures) {
    this.kube = kube;
    this.admin = kube.adminClient();
    this.registry = registry;
    this.fixtures = fixtures;
  }

  /**
   * Alpine 3.20 advisories for the ALPINE fixture: openssl (the origin of libcrypto3 and libssl3
   * 3.3.0-r2) critical, fixed in 3.3.1-r0; zlib high, fixed in 1.3.1-r2; musl fixed at its
   * installed version (not affected).
   */
  private static List<OsvFixtures.Rec> advisories() {
    return List.of(
        rec("ALPINE-" + CVE_OPENSSL)
            .upstream(CVE_OPENSSL)
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected("Alpine:v3.20", "openssl", List.of("i:0", "f:3.3.1-r0"), null),
        rec("ALPINE-" + CVE_ZLIB)
            .upstream(CVE_ZLIB)
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null),
        rec("ALPINE-CVE-2099-2003")
            .upstream("CVE-2099-2003")
            .affected("Alpine:v3.20", "musl", List.of("i:0", "f:1.2.5-r0"), null));
  }

  @BeforeAll
  void startOperator(@TempDir Path setup) throws Exception {
    // The operator's own database management, fed from an air-gapped bundle directory.
    bundle = Files.createDirectories(setup.resolve("bundle"));
    Files.write(bundle.resolve("Alpine-all.zip"), OsvFixtures.zip(advisories(), Map.of()));
    PipelineRuns.installCrd(admin);
    operator =
        RunningOperator.builder(kube, setup).env("SEKISHO_DB_BUNDLE", bundle.toString()).start();
    assertThat(operator.process().matcher().database()).isPresent();
  }

  @AfterAll
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** A namespace whose `pipeline` ServiceAccount may submit scans (one Role, one RoleBinding). */
  private String namespaceWithSubmitter(String prefix) {
    return ScanSubmitters.namespaceWithSubmitter(kube, prefix);
  }

  private void policy(String ns, String name, PolicyAction action) {
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(action);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(spec);
    admin.resource(p).create();
  }

  /** A running PipelineRun, as Tekton's controller would have it while the scan step runs. */
  private GenericKubernetesResource runningPipelineRun(String ns, String name) {
    return PipelineRuns.running(admin, ns, name, "build-scan-deploy", PIPELINE_SA);
  }

  private Object specStatus(String ns, String name) {
    return PipelineRuns.specStatus(admin, ns, name);
  }

  /** The ServiceAccount's token in a file, as the kubelet mounts it. */
  private Path tokenFile(String ns, String sa) throws IOException {
    Path file = Files.createTempFile(work, sa + "-", ".token");
    Files.writeString(file, kube.serviceAccountToken(ns, sa, Duration.ofMinutes(10)));
    return file;
  }

  private String serverUrl() {
    return operator.apiUrl().toString();
  }

  /** The step: the Task's arguments and environment, the real CLI in-process. */
  private CliRun step(
      String ns,
      Path token,
      String server,
      String image,
      String digest,
      Path results,
      Map<String, String> tekton,
      String... extra) {
    Map<String, String> env = new HashMap<>(tekton);
    env.put("HOME", work.resolve("home").toString());
    env.put("SEKISHO_NAMESPACE", ns);
    env.put("SEKISHO_REPORTS_DIR", "");
    env.put("DOCKER_CONFIG", "");
    List<String> args = new ArrayList<>();
    args.add("scan");
    args.add(image);
    args.add("--digest=" + digest);
    if (Arrays.stream(extra).noneMatch(a -> a.startsWith("--platform"))) {
      args.add("--platform=linux/amd64");
    }
    args.add("--server=" + server);
    args.add("--tekton-results-dir=" + results);
    // EXTRA_ARGS of the Task, and what a pod has mounted
    args.addAll(List.of("--insecure-registry", registry.hostPort()));
    args.add("--token-file=" + token);
    args.add("--namespace=" + ns);
    args.addAll(List.of(extra));
    return CliRun.run(env, args.toArray(String[]::new));
  }

  private static Map<String, String> tekton(String pipelineRun, String uid) {
    return Map.of(
        "SEKISHO_TEKTON_PIPELINE_RUN",
        pipelineRun,
        "SEKISHO_TEKTON_PIPELINE_RUN_UID",
        uid,
        "SEKISHO_TEKTON_TASK_RUN",
        pipelineRun + "-scan",
        "SEKISHO_TEKTON_PIPELINE",
        "build-scan-deploy");
  }

  private static String digestOf(PushedImage pushed) {
    return pushed.digestReference().substring(pushed.digestReference().indexOf('@') + 1);
  }

  private static String result(Path dir, String name) throws IOException {
    return Files.readString(dir.resolve(name));
  }

  // --- tests ---------------------------------------------------------------------------------

  @Test
  void aVulnerableImageUnderAnEnforcePolicyFailsTheStepAndStopsThePipelineRun() throws Exception {
    String ns = namespaceWithSubmitter("step-fail");
    policy(ns, "no-high", PolicyAction.Enforce);
    GenericKubernetesResource run = runningPipelineRun(ns, "release-1");
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    String digest = digestOf(alpine);
    Path results = work.resolve("results-fail");

    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            alpine.tagReference(),
            digest,
            results,
            tekton("release-1", run.getMetadata().getUid()));

    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    long opensslPackages =
        AlpineFixture.PACKAGES.stream().filter(p -> p.origin().equals("openssl")).count();
    assertThat(result(results, "VERDICT")).isEqualTo("Fail");
    assertThat(result(results, "CRITICAL")).isEqualTo(String.valueOf(opensslPackages));
    assertThat(result(results, "HIGH")).isEqualTo("1");
    assertThat(result(results, "FIXABLE")).isEqualTo(String.valueOf(opensslPackages + 1));
    assertThat(result(results, "IMAGE_DIGEST")).isEqualTo(digest);
    assertThat(r.out()).contains("Fail", "ScanPolicy/" + ns + "/no-high", CVE_OPENSSL);
    assertThat(r.err()).contains(" FAIL ");

    String name = result(results, "SCAN_RESULT");
    ScanResult stored = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
    assertThat(stored).as("ScanResult " + ns + "/" + name).isNotNull();
    assertThat(stored.getSpec().getImage()).isEqualTo(alpine.tagReference());
    assertThat(stored.getSpec().getDigest()).isEqualTo(digest);
    assertThat(stored.getSpec().getSource().getServiceAccount()).isEqualTo(ns + "/" + PIPELINE_SA);
    assertThat(stored.getSpec().getSource().getPipelineRun()).isEqualTo("release-1");
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
    assertThat(stored.getStatus().getViolations())
        .extracting(Violation::getFindingId)
        .containsOnly(CVE_OPENSSL, CVE_ZLIB);
    assertThat(stored.getStatus().getViolations())
        .extracting(Violation::getPackageName)
        .contains("libssl3", "libcrypto3", "zlib")
        .doesNotContain("musl");
    assertThat(stored.getStatus().getViolations())
        .allSatisfy(v -> assertThat(v.getAction()).isEqualTo(PolicyAction.Enforce));

    // The operator also stops the run itself, so an ignored exit code would not deploy either.
    assertThat(specStatus(ns, "release-1")).isEqualTo("CancelledRunFinally");
    assertThat(stored.getStatus().getStoppedPipelineRun()).isEqualTo("release-1");
  }

  @Test
  void platformAllRecordsOneScanResultPerPlatformDigest() throws Exception {
    String ns = namespaceWithSubmitter("step-multi");
    policy(ns, "no-high", PolicyAction.Enforce);
    GenericKubernetesResource run = runningPipelineRun(ns, "release-9");
    PushedImage multi = registry.push(fixtures.get(FixtureImage.MULTI_PLATFORM));
    String index = digestOf(multi);
    Path results = work.resolve("results-multi");

    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            multi.tagReference(),
            index,
            results,
            tekton("release-9", run.getMetadata().getUid()),
            "--platform=all");

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(result(results, "VERDICT")).isEqualTo("Pass");
    assertThat(result(results, "IMAGE_DIGEST")).isEqualTo(index);
    List<String> names = List.of(result(results, "SCAN_RESULT").split(","));
    assertThat(names).hasSize(2).doesNotHaveDuplicates();
    List<ScanResult> stored =
        names.stream()
            .map(n -> admin.resources(ScanResult.class).inNamespace(ns).withName(n).get())
            .toList();
    assertThat(stored)
        .extracting(s -> s.getSpec().getPlatform())
        .containsExactly("linux/amd64", "linux/arm64/v8");
    assertThat(stored)
        .extracting(s -> s.getSpec().getDigest())
        .doesNotContain(index)
        .doesNotHaveDuplicates();
    assertThat(stored)
        .allSatisfy(s -> assertThat(s.getStatus().getVerdict()).isEqualTo(Verdict.Pass));
    assertThat(r.out()).contains("Pass over 2 platforms");
  }

  @Test
  void aCleanImagePasses() throws Exception {
    String ns = namespaceWithSubmitter("step-pass");
    policy(ns, "no-high", PolicyAction.Enforce);
    GenericKubernetesResource run = runningPipelineRun(ns, "release-2");
    PushedImage clean = registry.push(fixtures.get(FixtureImage.CLEAN));
    Path results = work.resolve("results-pass");

    // --digest= empty: the build gave no digest, the step records the one it resolved
    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            clean.tagReference(),
            "",
            results,
            tekton("release-2", run.getMetadata().getUid()));

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(result(results, "VERDICT")).isEqualTo("Pass");
    assertThat(result(results, "CRITICAL")).isEqualTo("0");
    assertThat(result(results, "IMAGE_DIGEST")).isEqualTo(digestOf(clean));
    ScanResult stored =
        admin
            .resources(ScanResult.class)
            .inNamespace(ns)
            .withName(result(results, "SCAN_RESULT"))
            .get();
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Pass);
    assertThat(stored.getSpec().getDigest()).isEqualTo(digestOf(clean));
    assertThat(specStatus(ns, "release-2")).isNull();
  }

  @Test
  void aDatabaseRefreshReEvaluatesStoredResultsWithoutARescan() throws Exception {
    String ns = namespaceWithSubmitter("step-refresh");
    // the two known advisories are accepted risks here, so the image passes at first
    ScanPolicySpec spec = new ScanPolicySpec();
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    List<PolicyException> accepted = new ArrayList<>();
    for (String id : List.of(CVE_OPENSSL, CVE_ZLIB)) {
      PolicyException e = new PolicyException();
      e.setId(id);
      e.setExpires(OffsetDateTime.now(ZoneOffset.UTC).plusDays(30));
      e.setReason("accepted for the database refresh test");
      accepted.add(e);
    }
    spec.setExceptions(accepted);
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("accepted").withNamespace(ns).build());
    p.setSpec(spec);
    admin.resource(p).create();
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    Path results = work.resolve("results-refresh");
    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            alpine.tagReference(),
            digestOf(alpine),
            results,
            Map.of());
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(result(results, "VERDICT")).isEqualTo("Pass");
    String name = result(results, "SCAN_RESULT");

    // a new advisory for busybox arrives with the next database update
    List<OsvFixtures.Rec> updated = new ArrayList<>(advisories());
    updated.add(
        rec("ALPINE-CVE-2099-2004")
            .upstream("CVE-2099-2004")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r30"), null));
    try {
      Files.write(bundle.resolve("Alpine-all.zip"), OsvFixtures.zip(updated, Map.of()));
      operator.refreshDatabase();
      Awaiting.until(
          "the stored result is re-matched and fails",
          () -> {
            ScanResult sr = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
            return sr.getStatus() != null && sr.getStatus().getVerdict() == Verdict.Fail;
          });
      ScanResult stored = admin.resources(ScanResult.class).inNamespace(ns).withName(name).get();
      assertThat(stored.getStatus().getViolations())
          .extracting(Violation::getFindingId)
          .containsExactly("CVE-2099-2004");
    } finally {
      // the other tests count findings: give them the original database back
      Files.write(bundle.resolve("Alpine-all.zip"), OsvFixtures.zip(advisories(), Map.of()));
      operator.refreshDatabase();
    }
  }

  @Test
  void aWarnPolicyWarnsAndLetsThePipelineGoOn() throws Exception {
    String ns = namespaceWithSubmitter("step-warn");
    policy(ns, "warn-high", PolicyAction.Warn);
    GenericKubernetesResource run = runningPipelineRun(ns, "release-3");
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    Path results = work.resolve("results-warn");

    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            alpine.tagReference(),
            digestOf(alpine),
            results,
            tekton("release-3", run.getMetadata().getUid()));

    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(result(results, "VERDICT")).isEqualTo("Warn");
    assertThat(result(results, "HIGH")).isEqualTo("1");
    ScanResult stored =
        admin
            .resources(ScanResult.class)
            .inNamespace(ns)
            .withName(result(results, "SCAN_RESULT"))
            .get();
    assertThat(stored.getStatus().getVerdict()).isEqualTo(Verdict.Warn);
    assertThat(stored.getStatus().getViolations())
        .extracting(Violation::getFindingId)
        .containsOnly(CVE_OPENSSL, CVE_ZLIB);
    assertThat(specStatus(ns, "release-3")).isNull();
  }

  @Test
  void aServiceAccountWithoutTheRoleBindingIsRefused() throws Exception {
    String ns = namespaceWithSubmitter("step-forbidden");
    policy(ns, "no-high", PolicyAction.Enforce);
    kube.ensureServiceAccount(ns, "builder");
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    Path results = work.resolve("results-forbidden");

    CliRun r =
        step(
            ns,
            tokenFile(ns, "builder"),
            serverUrl(),
            alpine.tagReference(),
            digestOf(alpine),
            results,
            Map.of());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.err())
        .contains("refused this ServiceAccount")
        .contains("system:serviceaccount:" + ns + ":builder")
        .contains("scanresults/submit");
    assertThat(result(results, "VERDICT")).isEqualTo("Error");
    assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void anUnreachableOperatorFailsClosedUnlessFailOpen() throws Exception {
    String ns = namespaceWithSubmitter("step-down");
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    // refused for the whole test: a port closed again could be taken by another process
    try (RefusedPort refused = RefusedPort.open()) {
      String down = refused.url("http");
      Path token = tokenFile(ns, PIPELINE_SA);
      Path results = work.resolve("results-down");

      CliRun closed =
          step(
              ns,
              token,
              down,
              alpine.tagReference(),
              digestOf(alpine),
              results,
              Map.of(),
              "--server-wait=1");

      assertThat(closed.exitCode()).as(closed.all()).isEqualTo(3);
      assertThat(closed.err())
          .contains("cannot reach the Sekisho scan API at " + down)
          .contains("is the operator running?");
      assertThat(result(results, "VERDICT")).isEqualTo("Error");

      Path openResults = work.resolve("results-down-open");
      CliRun open =
          step(
              ns,
              token,
              down,
              alpine.tagReference(),
              digestOf(alpine),
              openResults,
              Map.of(),
              "--fail-open",
              "--server-wait=0");

      assertThat(open.exitCode()).as(open.all()).isZero();
      assertThat(open.err()).contains("the image was NOT checked");
      assertThat(result(openResults, "VERDICT")).isEqualTo("Error");
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).isEmpty();
    }
  }

  @Test
  void thePipelineServiceAccountCannotWriteScanResultsDirectly() throws Exception {
    String ns = namespaceWithSubmitter("step-rbac");
    policy(ns, "no-high", PolicyAction.Enforce);
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    Path results = work.resolve("results-rbac");
    CliRun r =
        step(
            ns,
            tokenFile(ns, PIPELINE_SA),
            serverUrl(),
            alpine.tagReference(),
            digestOf(alpine),
            results,
            Map.of());
    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    String name = result(results, "SCAN_RESULT");

    try (KubernetesClient asPipeline = kube.serviceAccountClient(ns, PIPELINE_SA)) {
      ScanResult forged = new ScanResult();
      forged.setMetadata(new ObjectMetaBuilder().withName("forged").withNamespace(ns).build());
      forged.getSpec().setImage(alpine.tagReference());
      assertThatThrownBy(() -> asPipeline.resource(forged).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      var existing = asPipeline.resources(ScanResult.class).inNamespace(ns).withName(name);
      assertThatThrownBy(
              () ->
                  existing
                      .subresource("status")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"status\":{\"verdict\":\"Pass\"}}"))
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(
              () ->
                  existing.patch(
                      PatchContext.of(PatchType.JSON_MERGE),
                      "{\"metadata\":{\"labels\":{\"sekisho.dev/forged\":\"true\"}}}"))
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
    assertThat(
            admin
                .resources(ScanResult.class)
                .inNamespace(ns)
                .withName(name)
                .get()
                .getStatus()
                .getVerdict())
        .isEqualTo(Verdict.Fail);
  }
}
