package dev.sekisho.operator.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.store.ReportStoreTest;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real API server: results of images neither scanned again nor run expire with their
 * stored reports; a pod running the image (by the digest its runtime pulled, or by the exact
 * reference) keeps its result; a result rescanned between the read and the delete stays; without
 * the right to list pods nothing is deleted.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ResultRetentionIT {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);
  // Random: retention looks at pods in every namespace of the shared API server, and other test
  // classes leave pods pinned to digests such as sha256:bbbb…, which would keep these results.
  private static final String DIGEST_A = randomDigest();
  private static final String DIGEST_B = randomDigest();
  private static final String DIGEST_C = randomDigest();
  private static final String DIGEST_D = randomDigest();

  private static String randomDigest() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return "sha256:" + HexFormat.of().formatHex(bytes);
  }

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  @TempDir Path storeDir;
  private ReportStore store;
  private String ns;

  ResultRetentionIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeEach
  void setUp() {
    ns = kube.createNamespace("retention");
    store = new ReportStore(storeDir);
  }

  private ScanResult result(String name, String image, String digest, Duration age)
      throws Exception {
    ScanResult r = new ScanResult();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.getSpec().setImage(image);
    r.getSpec().setDigest(digest);
    r.getSpec().setScannedAt(OffsetDateTime.ofInstant(NOW.minus(age), ZoneOffset.UTC));
    store.put(ReportStore.key(ns, name), ReportStoreTest.report());
    // the report was written when the image was scanned
    Files.setLastModifiedTime(
        storeDir.resolve(ns + "_" + name + ".json.gz"), FileTime.from(NOW.minus(age)));
    return admin.resource(r).create();
  }

  /** A pod whose runtime reported {@code imageId} for its container. */
  private void pod(String name, String image, String imageId) {
    Pod p =
        admin
            .pods()
            .inNamespace(ns)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage(image)
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    if (imageId != null) {
      p.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("app")
                      .withImage(image)
                      .withImageID(imageId)
                      .withReady(true)
                      .withRestartCount(0)
                      .build())
              .build());
      admin.pods().inNamespace(ns).resource(p).updateStatus();
    }
  }

  private ResultRetention retention(KubernetesClient client) {
    // this namespace only: the API server is shared with other tests' results
    return new ResultRetention(
        client, ns, store, RETENTION, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
  }

  private List<String> remaining() {
    return admin.resources(ScanResult.class).inNamespace(ns).list().getItems().stream()
        .map(r -> r.getMetadata().getName())
        .sorted()
        .toList();
  }

  @Test
  void oldResultsOfImagesNoPodRunsExpireWithTheirReports() throws Exception {
    result("fresh", "registry.test/app:2", DIGEST_A, Duration.ofDays(2));
    result("stale", "registry.test/app:1", DIGEST_B, Duration.ofDays(45));
    result("running-by-digest", "registry.test/api:1", DIGEST_C, Duration.ofDays(90));
    result("running-by-name", "registry.test/web:1", DIGEST_D, Duration.ofDays(90));
    // the runtime's image id names the digest it pulled; the pod's own reference is a tag
    pod("api", "registry.test/api:1", "registry.test/api@" + DIGEST_C);
    // not started yet (no status): the reference alone says what it will run
    pod("web", "registry.test/web:1", null);

    ResultRetention.Pass pass = retention(admin).sweep();

    assertThat(pass).isEqualTo(new ResultRetention.Pass(4, 1, 2));
    assertThat(remaining()).containsExactly("fresh", "running-by-digest", "running-by-name");
    assertThat(store.get(ReportStore.key(ns, "stale"))).isEmpty();
    assertThat(store.get(ReportStore.key(ns, "fresh"))).isPresent();
    assertThat(store.get(ReportStore.key(ns, "running-by-digest"))).isPresent();

    // the api pod goes away: its result expires on the next pass
    admin.pods().inNamespace(ns).withName("api").withGracePeriod(0).delete();
    Awaiting.until(
        "pod api deleted", () -> admin.pods().inNamespace(ns).withName("api").get() == null);
    assertThat(retention(admin).sweep().expired()).isEqualTo(1);
    assertThat(remaining()).containsExactly("fresh", "running-by-name");
  }

  @Test
  void aResultRescannedBetweenTheListAndTheDeleteIsKept() throws Exception {
    result("rescanned", "registry.test/app:1", DIGEST_B, Duration.ofDays(45));
    AtomicInteger raced = new AtomicInteger();
    // a client that lets the scan API rescan the image just before its DELETE goes out
    try (KubernetesClient racing =
        new KubernetesClientBuilder()
            .withConfig(kube.adminConfig())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "rescan",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            if (request.method().equals("DELETE")
                                && request.uri().getPath().endsWith("/scanresults/rescanned")) {
                              raced.incrementAndGet();
                              admin
                                  .resources(ScanResult.class)
                                  .inNamespace(ns)
                                  .withName("rescanned")
                                  .edit(
                                      r -> {
                                        r.getSpec()
                                            .setScannedAt(
                                                OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
                                        return r;
                                      });
                            }
                          }
                        }))
            .build()) {
      ResultRetention.Pass pass = retention(racing).sweep();
      assertThat(raced).hasValue(1);
      assertThat(pass.expired()).isZero();
    }
    assertThat(remaining()).containsExactly("rescanned");
    assertThat(store.get(ReportStore.key(ns, "rescanned"))).isPresent();
  }

  @Test
  void aRescanThatStoresItsReportWhileTheExpiredResultIsDeletedKeepsThatReport() throws Exception {
    result("recreated", "registry.test/app:1", DIGEST_B, Duration.ofDays(45));
    AtomicInteger raced = new AtomicInteger();
    // the scan API stores a new scan's report under the same key as the DELETE goes out; its
    // ScanResult would follow
    try (KubernetesClient racing =
        new KubernetesClientBuilder()
            .withConfig(kube.adminConfig())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "rescan",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            if (request.method().equals("DELETE")
                                && request.uri().getPath().endsWith("/scanresults/recreated")) {
                              raced.incrementAndGet();
                              try {
                                store.put(
                                    ReportStore.key(ns, "recreated"), ReportStoreTest.report());
                              } catch (IOException e) {
                                throw new UncheckedIOException(e);
                              }
                            }
                          }
                        }))
            .build()) {
      ResultRetention.Pass pass = retention(racing).sweep();
      assertThat(raced).hasValue(1);
      assertThat(pass.expired()).isEqualTo(1);
    }
    assertThat(remaining()).doesNotContain("recreated");
    assertThat(store.get(ReportStore.key(ns, "recreated"))).isPresent();
  }

  @Test
  void withoutTheRightToListPodsNothingIsDeleted() throws Exception {
    result("stale", "registry.test/app:1", DIGEST_B, Duration.ofDays(45));
    // a service account that may list and delete ScanResults but not list pods
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("retention-no-pods-" + ns)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("sekisho.dev")
                        .withResources("scanresults")
                        .withVerbs("list", "delete")
                        .build())
                .build())
        .serverSideApply();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("retention-no-pods-" + ns)
                .endMetadata()
                .withNewRoleRef(
                    "rbac.authorization.k8s.io", "ClusterRole", "retention-no-pods-" + ns)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("default")
                .withNamespace(ns)
                .endSubject()
                .build())
        .serverSideApply();
    try (KubernetesClient limited = kube.impersonatingServiceAccount(ns, "default")) {
      assertThatThrownBy(() -> retention(limited).sweep())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("pods");
    }
    assertThat(remaining()).containsExactly("stale");
    assertThat(store.get(ReportStore.key(ns, "stale"))).isPresent();
  }

  @Test
  void retentionMustBePositiveAndPassesRunAtMostHourly() {
    assertThatThrownBy(
            () ->
                new ResultRetention(
                    admin, store, Duration.ZERO, Clock.systemUTC(), new SimpleMeterRegistry()))
        .hasMessageContaining("retention must be positive");
    assertThat(retention(admin).period()).isEqualTo(Duration.ofHours(1));
    assertThat(
            new ResultRetention(
                    admin,
                    store,
                    Duration.ofMinutes(5),
                    Clock.systemUTC(),
                    new SimpleMeterRegistry())
                .period())
        .isEqualTo(Duration.ofMinutes(1));
  }
}
