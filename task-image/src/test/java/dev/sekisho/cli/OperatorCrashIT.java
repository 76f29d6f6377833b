package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.operator.CrashPoint;
import dev.sekisho.operator.Main;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.testing.PipelineRuns;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.SekishoIntegrationTest;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator killed at each point of a submission and of a database update loses nothing and
 * leaves no orphan. The operator runs as {@code Main} in its own JVM (against the real API server,
 * its store and database on disk), armed with {@code SEKISHO_CRASH_AT=<point>}, so it halts there
 * as SIGKILL would: no shutdown hook, no finally block. It is then restarted without the hook on
 * the same port and store, as the kubelet restarts a killed container.
 *
 * <p>A submission: the real step ({@code sekisho scan --server}, in-process) reads a vulnerable
 * image from the real registry and submits it; the operator dies at the point; the step, retrying
 * within {@code --server-wait}, gets the verdict from the restarted operator; exactly one
 * ScanResult exists for the digest, decided (the status describes its generation) and Fail; its
 * report is stored; no stored report lacks a ScanResult; the PipelineRun is stopped.
 *
 * <p>A database update: the operator serves database v1, is restarted with v2 in its bundle and
 * killed halfway through building v2, before renaming it over v1, or right after: the database on
 * disk (what any restart opens) is then v1 or v2, whole and consistent, never a partial one; the
 * restarted operator serves v2 and leaves nothing in its staging directory.
 */
@SekishoIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OperatorCrashIT {
  private static final Pattern ADVISORIES =
      Pattern.compile("(?m)^sekisho_database_advisories(?:\\{[^}]*})? ([0-9.eE+-]+)$");
  private static final String PIPELINE_SA = ScanSubmitters.PIPELINE_SA;

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final TestRegistry registry;
  private final Fixtures fixtures;
  private final HttpClient http = HttpClient.newHttpClient();

  OperatorCrashIT(KubeApiServer kube, TestRegistry registry, Fixtures fixtures) {
    this.kube = kube;
    this.admin = kube.adminClient();
    this.registry = registry;
    this.fixtures = fixtures;
  }

  @BeforeAll
  void tekton() {
    PipelineRuns.installCrd(admin);
  }

  /** openssl critical and zlib high for the ALPINE fixture; {@code extra} more for busybox. */
  private static byte[] advisories(boolean extra) throws IOException {
    List<OsvFixtures.Rec> recs = new ArrayList<>();
    recs.add(
        rec("ALPINE-CVE-2099-7001")
            .upstream("CVE-2099-7001")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected("Alpine:v3.20", "openssl", List.of("i:0", "f:3.3.1-r0"), null));
    recs.add(
        rec("ALPINE-CVE-2099-7002")
            .upstream("CVE-2099-7002")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null));
    if (extra) {
      recs.add(
          rec("ALPINE-CVE-2099-7003")
              .upstream("CVE-2099-7003")
              .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r30"), null));
    }
    return OsvFixtures.zip(recs, Map.of());
  }

  // --- the operator in its own JVM -----------------------------------------------------------

  /** One run of {@code Main}: its process and its output file. */
  private record OperatorJvm(Process process, Path log, Setup setup) {
    String output() {
      try {
        return Files.exists(log) ? Files.readString(log) : "";
      } catch (IOException e) {
        return "cannot read " + log + ": " + e;
      }
    }

    URI health() {
      return URI.create("http://127.0.0.1:" + setup.healthPort());
    }

    URI metrics() {
      return URI.create("http://127.0.0.1:" + setup.metricsPort());
    }

    /** Waits for the process to halt at its crash point and returns its exit status. */
    int awaitHalt() throws InterruptedException {
      if (!process.waitFor(4, TimeUnit.MINUTES)) {
        ChildProcess.kill(process);
        throw new AssertionError("the operator did not reach its crash point:\n" + output());
      }
      return process.exitValue();
    }
  }

  /** A fresh operator setup: its namespace (Lease), store, bundle, ports and log directory. */
  private record Setup(
      String namespace,
      Path store,
      Path bundle,
      int apiPort,
      int healthPort,
      int metricsPort,
      Path logs) {}

  private Setup setup(Path work, byte[] bundleZip) throws IOException {
    Path bundle = Files.createDirectories(work.resolve("bundle"));
    Files.write(bundle.resolve("Alpine-all.zip"), bundleZip);
    return new Setup(
        kube.createNamespace("sekisho-system"),
        Files.createDirectories(work.resolve("store")),
        bundle,
        port(),
        port(),
        port(),
        Files.createDirectories(work.resolve("logs")));
  }

  /**
   * A port that stays the same across restarts (the step's {@code --server}, the probes), taken
   * below the kernel's ephemeral range, where no process is given a port it did not ask for.
   */
  private static int port() throws IOException {
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(20000, 32000);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (BindException e) {
        // taken: try another
      }
    }
    throw new IOException("no free port in 20000-32000 for the scan API");
  }

  private OperatorJvm start(Setup s, String run, CrashPoint crashAt) throws IOException {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KUBECONFIG", kube.kubeconfig().toString());
    env.put("SEKISHO_NAMESPACE", s.namespace());
    env.put("SEKISHO_STORE_DIR", s.store().toString());
    env.put("SEKISHO_DB_BUNDLE", s.bundle().toString());
    env.put("SEKISHO_BIND_ADDRESS", "127.0.0.1");
    env.put("SEKISHO_API_PORT", Integer.toString(s.apiPort()));
    env.put("SEKISHO_HEALTH_PORT", Integer.toString(s.healthPort()));
    env.put("SEKISHO_METRICS_PORT", Integer.toString(s.metricsPort()));
    env.put("SEKISHO_API_INSECURE_HTTP", "true");
    env.put("SEKISHO_API_CA_PUBLISH", "false");
    if (crashAt != null) {
      env.put(CrashPoint.ENV, crashAt.id());
    }
    pb.environment().putAll(env);
    Path log = s.logs().resolve(run + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new OperatorJvm(pb.start(), log, s);
  }

  private void awaitReady(OperatorJvm op) {
    Awaiting.until(
        "/readyz: a database is loaded",
        Duration.ofSeconds(180),
        () -> !op.process().isAlive() || ready(op.health()));
    assertThat(op.process().isAlive()).as(op.output()).isTrue();
  }

  private boolean ready(URI health) {
    try {
      return http.send(
                  HttpRequest.newBuilder(health.resolve("/readyz")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The {@code sekisho_database_advisories} gauge, or -1 when it cannot be read. */
  private double servedAdvisories(URI metrics) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(metrics.resolve("/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = ADVISORIES.matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  // --- a submission ----------------------------------------------------------------------------

  /** The points of a submission, in order. */
  enum SubmissionPoint {
    BEFORE_STORE(CrashPoint.BEFORE_STORE),
    STORE_WRITE(CrashPoint.STORE_WRITE),
    AFTER_STORE(CrashPoint.AFTER_STORE),
    STATUS_WRITE(CrashPoint.STATUS_WRITE),
    AFTER_STATUS_WRITE(CrashPoint.AFTER_STATUS_WRITE);

    final CrashPoint point;

    SubmissionPoint(CrashPoint point) {
      this.point = point;
    }
  }

  @ParameterizedTest
  @EnumSource(SubmissionPoint.class)
  void anOperatorKilledDuringASubmissionLosesNothingAndLeavesNoOrphan(
      SubmissionPoint at, @TempDir Path work) throws Exception {
    Setup s = setup(work, advisories(false));
    String ns = ScanSubmitters.namespaceWithSubmitter(kube, "crash-" + at.point.id());
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(Severity.High);
    spec.setVulnerabilities(rules);
    ScanPolicy policy = new ScanPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("no-high").withNamespace(ns).build());
    policy.setSpec(spec);
    admin.resource(policy).create();
    GenericKubernetesResource run =
        PipelineRuns.running(admin, ns, "release-1", "build-scan-deploy", PIPELINE_SA);
    PushedImage alpine = registry.push(fixtures.get(FixtureImage.ALPINE));
    String digest = alpine.digestReference().substring(alpine.digestReference().indexOf('@') + 1);
    Path token = Files.createTempFile(work, "token-", "");
    Files.writeString(token, kube.serviceAccountToken(ns, PIPELINE_SA, Duration.ofMinutes(15)));
    Path results = work.resolve("results");

    OperatorJvm killed = start(s, "killed", at.point);
    OperatorJvm restarted = null;
    try {
      CompletableFuture<CliRun> step =
          CompletableFuture.supplyAsync(
              () -> step(ns, token, s.apiPort(), alpine.tagReference(), digest, results, run),
              runnable -> Thread.ofPlatform().daemon().start(runnable));

      assertThat(killed.awaitHalt()).as(killed.output()).isEqualTo(137);
      assertThat(killed.output()).contains("crash point reached, halting point=" + at.point.id());
      List<ScanResult> atCrash =
          admin.resources(ScanResult.class).inNamespace(ns).list().getItems();
      switch (at) {
        case BEFORE_STORE, STORE_WRITE, AFTER_STORE ->
            assertThat(atCrash).as("no ScanResult yet").isEmpty();
        case STATUS_WRITE ->
            assertThat(atCrash)
                .singleElement()
                .satisfies(r -> assertThat(r.getStatus().getVerdict()).isNull());
        case AFTER_STATUS_WRITE ->
            assertThat(atCrash)
                .singleElement()
                .satisfies(r -> assertThat(r.getStatus().getVerdict()).isEqualTo(Verdict.Fail));
      }

      restarted = start(s, "restarted", null);
      CliRun r = step.get(8, TimeUnit.MINUTES);

      assertThat(r.exitCode()).as(r.all() + "\n--- operator:\n" + restarted.output()).isEqualTo(1);
      assertThat(Files.readString(results.resolve("VERDICT"))).isEqualTo("Fail");
      List<ScanResult> all =
          admin
              .resources(ScanResult.class)
              .inNamespace(ns)
              .withLabel(Constants.LABEL_IMAGE_DIGEST, digest.substring(7, 70))
              .list()
              .getItems();
      assertThat(all).as("one ScanResult for the digest").hasSize(1);
      ScanResult result = all.get(0);
      assertThat(result.getMetadata().getName())
          .isEqualTo(Files.readString(results.resolve("SCAN_RESULT")));
      assertThat(result.getStatus().getVerdict()).isEqualTo(Verdict.Fail);
      assertThat(result.getStatus().getObservedGeneration())
          .as("the status decides the spec it describes")
          .isEqualTo(result.getMetadata().getGeneration());
      assertThat(admin.resources(ScanResult.class).inNamespace(ns).list().getItems()).hasSize(1);
      assertThat(PipelineRuns.specStatus(admin, ns, "release-1")).isEqualTo("CancelledRunFinally");

      // the store: the result's report and nothing else of this namespace
      ReportStore store = new ReportStore(s.store());
      assertThat(store.keys()).containsExactly(result.getSpec().getStoreKey());
      assertThat(store.get(result.getSpec().getStoreKey())).isPresent();
      try (Stream<Path> files = Files.list(s.store())) {
        List<String> leftovers =
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".put-")).toList();
        if (at == SubmissionPoint.STORE_WRITE) {
          // the killed write's temporary file: the re-matcher deletes it once old
          // (OrphanReportsIT); it is never read as a report
          assertThat(leftovers).hasSize(1);
        } else {
          assertThat(leftovers).isEmpty();
        }
      }
    } finally {
      ChildProcess.kill(killed.process());
      if (restarted != null) {
        ChildProcess.stop(restarted.process(), Duration.ofSeconds(30));
      }
    }
  }

  /** The step as the Task runs it, retrying for up to 5 minutes. */
  private CliRun step(
      String ns,
      Path token,
      int port,
      String image,
      String digest,
      Path results,
      GenericKubernetesResource run) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", results.resolveSibling("home").toString());
    env.put("SEKISHO_NAMESPACE", ns);
    env.put("SEKISHO_REPORTS_DIR", "");
    env.put("DOCKER_CONFIG", "");
    env.put("SEKISHO_TEKTON_PIPELINE_RUN", run.getMetadata().getName());
    env.put("SEKISHO_TEKTON_PIPELINE_RUN_UID", run.getMetadata().getUid());
    env.put("SEKISHO_TEKTON_TASK_RUN", run.getMetadata().getName() + "-scan");
    env.put("SEKISHO_TEKTON_PIPELINE", "build-scan-deploy");
    return CliRun.run(
        env,
        "scan",
        image,
        "--digest=" + digest,
        "--platform=linux/amd64",
        "--server=http://127.0.0.1:" + port,
        "--tekton-results-dir=" + results,
        "--insecure-registry",
        registry.hostPort(),
        "--token-file=" + token,
        "--namespace=" + ns,
        "--server-wait=300");
  }

  // --- a database update -----------------------------------------------------------------------

  /** The points of a database update, in order. */
  enum DatabasePoint {
    DB_BUILD(CrashPoint.DB_BUILD, 2),
    DB_SWAP(CrashPoint.DB_SWAP, 2),
    DB_SWAPPED(CrashPoint.DB_SWAPPED, 3);

    final CrashPoint point;

    /** The advisories of the database on disk after the kill: v1 (2) or v2 (3). */
    final long onDisk;

    DatabasePoint(CrashPoint point, long onDisk) {
      this.point = point;
      this.onDisk = onDisk;
    }
  }

  @ParameterizedTest
  @EnumSource(DatabasePoint.class)
  void anOperatorKilledDuringADatabaseUpdateServesTheOldOrTheNewDatabaseNeverAPartialOne(
      DatabasePoint at, @TempDir Path work) throws Exception {
    Setup s = setup(work, advisories(false));
    Path served = s.store().resolve("vulndb");
    Path staging = served.resolve("next");

    // v1 (2 advisories) is served and on disk
    OperatorJvm first = start(s, "first", null);
    try {
      awaitReady(first);
      assertThat(servedAdvisories(first.metrics())).isEqualTo(2.0);
    } finally {
      ChildProcess.stop(first.process(), Duration.ofSeconds(30));
    }

    // v2 (3 advisories) arrives in the bundle; the refresh at start is killed at the point
    Files.write(s.bundle().resolve("Alpine-all.zip"), advisories(true));
    OperatorJvm killed = start(s, "killed", at.point);
    OperatorJvm restarted = null;
    try {
      assertThat(killed.awaitHalt()).as(killed.output()).isEqualTo(137);
      assertThat(killed.output()).contains("crash point reached, halting point=" + at.point.id());
      // what a restart opens: a whole database, v1 before the rename, v2 after it
      try (VulnDatabase db = VulnDatabase.open(served)) {
        assertThat(db.info().advisories()).isEqualTo(at.onDisk);
      }
      if (at == DatabasePoint.DB_BUILD) {
        try (Stream<Path> files = Files.list(staging)) {
          assertThat(files.map(p -> p.getFileName().toString()))
              .as("killed halfway through the build")
              .anyMatch(n -> n.startsWith("vulndb.sqlite.tmp-"));
        }
      }

      restarted = start(s, "restarted", null);
      awaitReady(restarted);
      OperatorJvm r = restarted;
      Awaiting.until(
          "the restarted operator serves v2",
          Duration.ofSeconds(120),
          () -> servedAdvisories(r.metrics()) == 3.0);
      try (VulnDatabase db = VulnDatabase.open(served)) {
        assertThat(db.info().advisories()).isEqualTo(3);
      }
      // the restarted operator may be building its next update there already (its own
      // temporary file): what must go is what the killed one left
      String left = "vulndb.sqlite.tmp-" + killed.process().pid() + "-";
      Awaiting.until(
          "the killed build's temporary file and any staged database leave " + staging,
          Duration.ofSeconds(60),
          () -> {
            try (Stream<Path> files = Files.list(staging)) {
              return files
                  .map(p -> p.getFileName().toString())
                  .noneMatch(n -> n.startsWith(left) || n.equals("vulndb.sqlite"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } finally {
      ChildProcess.kill(killed.process());
      if (restarted != null) {
        ChildProcess.stop(restarted.process(), Duration.ofSeconds(30));
      }
    }
  }
}
