package dev.sekisho.operator.scanapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.testing.DecidingReconciler;
import dev.sekisho.operator.testing.FixtureMatcher;
import dev.sekisho.operator.testing.ScanSubmitters;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.scanapi.ScanAnswer;
import dev.sekisho.scanner.scanapi.ScanApi;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.RegistryAuth;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allowedBaseImages} through the scan API, as the CLI applies them: an image built on an
 * allowed base that carries no OCI base-image annotation is identified by the layers it shares with
 * the base, which the operator resolves from a real registry; an image on another base still fails.
 * Real API server, real registry (the Alpine fixture pushed as the base), the real scan API over
 * HTTP on 127.0.0.1, and the step's side of the contract ({@link ScanSubmission}, {@link
 * ScanAnswer}).
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScanApiBaseImageIT {
  /** As the operator configures it. */
  private static final ObjectMapper JSON = ScanApiServer.json();

  private static TestRegistry registry;
  private static PushedImage base;
  private static List<String> baseLayers;

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();
  @TempDir Path work;

  ScanApiBaseImageIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  @BeforeAll
  static void pushBase() throws Exception {
    registry = TestRegistry.start(RegistryAuth.ANONYMOUS);
    base = registry.push(Fixtures.fromEnvironment().get(FixtureImage.ALPINE));
    try (RegistryClient client = new RegistryClient(registryOptions())) {
      baseLayers =
          client.fetchImage(ImageReference.parse(base.tagReference()), Platform.DEFAULT).diffIds();
    }
    assertThat(baseLayers).isNotEmpty();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private static RegistryOptions registryOptions() {
    return RegistryOptions.defaults().withPlainHttpRegistries(Set.of(registry.hostPort()));
  }

  /** The scan API as the operator assembles it, resolving base images from the test registry. */
  private URI serve(ReportStore store) throws Exception {
    Clock clock = Clock.systemUTC();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ScanResultCache results = new ScanResultCache();
    // the ScanResult reconciler decides what the scan API writes
    Operator operator =
        DecidingReconciler.start(admin, store, results, clock, meters, "scan-api-base-image-it");
    closing.add(operator::stop);
    ScanApiServer server =
        new ScanApiServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            null,
            new Authorizer(admin, List.of()),
            new ScanService(
                admin,
                FixtureMatcher.advisories(),
                store,
                results,
                Duration.ofMinutes(1),
                clock,
                "test",
                ScanService.fromRegistries(registryOptions())),
            JSON,
            new InventoryDecoder(JSON, new SbomFileDecoder(JSON, work)),
            1 << 20,
            2,
            meters);
    server.start();
    closing.add(server);
    return URI.create("http://127.0.0.1:" + server.address().getPort());
  }

  /** A namespace whose pipeline may submit, with an Enforce policy allowing only the base. */
  private String namespace(String prefix) {
    String ns = ScanSubmitters.namespaceWithSubmitter(kube, prefix);
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    spec.setAllowedBaseImages(List.of(base.tagReference()));
    ScanPolicy p = new ScanPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("approved-bases").withNamespace(ns).build());
    p.setSpec(spec);
    admin.resource(p).create();
    return ns;
  }

  /** An application image without base-image annotations whose bottom layers are {@code below}. */
  private static Inventory application(String digest, List<String> below) {
    List<LayerInfo> layers = new ArrayList<>();
    for (String diffId : below) {
      layers.add(new LayerInfo(diffId, diffId, 1, "application/vnd.oci.image.layer.v1.tar", null));
    }
    String app = "sha256:" + "a".repeat(64);
    layers.add(new LayerInfo(app, app, 1, "application/vnd.oci.image.layer.v1.tar", "COPY app"));
    ImageFacts facts =
        new ImageFacts(
            "registry.example.com/shop/app:1",
            "registry.example.com",
            "shop/app",
            "1",
            digest,
            "linux/amd64",
            "1001",
            List.of(),
            List.of(),
            true,
            Map.of(),
            Map.of(),
            null,
            layers);
    return new Inventory(facts, null, List.of(), List.of(), List.of());
  }

  private ScanAnswer submit(URI api, String ns, Inventory inventory) throws Exception {
    ScanSubmission body =
        ScanSubmission.of(
            inventory.image().reference(),
            inventory.image().digest(),
            "linux/amd64",
            inventory,
            null,
            JSON);
    HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(api.resolve("/" + ScanApi.path(ns)))
                .timeout(Duration.ofMinutes(2))
                .header(
                    "Authorization",
                    "Bearer "
                        + kube.serviceAccountToken(
                            ns, ScanSubmitters.PIPELINE_SA, Duration.ofMinutes(10)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return JSON.readValue(reply.body(), ScanAnswer.class);
  }

  @Test
  void anImageOnAnAllowedBaseWithoutAnnotationsPassesAndRecordsItsBase() throws Exception {
    ReportStore store = new ReportStore(work.resolve("store"));
    URI api = serve(store);
    String ns = namespace("base-allowed");

    ScanAnswer answer = submit(api, ns, application("sha256:" + "1".repeat(64), baseLayers));

    assertThat(answer.apiVersion()).isEqualTo(ScanApi.API_VERSION);
    assertThat(answer.verdict()).as("%s", answer.violations()).isEqualTo("Pass");
    ScanResult result =
        admin.resources(ScanResult.class).inNamespace(ns).withName(answer.scanResult()).get();
    assertThat(result.getSpec().getBaseImage()).isEqualTo(base.tagReference());
    ScanReport stored = store.get(result.getSpec().getStoreKey()).orElseThrow();
    assertThat(stored.baseImage().method()).isEqualTo(BaseImage.Method.SHARED_LAYERS);
    assertThat(stored.baseImage().sharedLayers()).isEqualTo(baseLayers.size());
  }

  @Test
  void anImageOnAnotherBaseStillFails() throws Exception {
    URI api = serve(new ReportStore(work.resolve("store")));
    String ns = namespace("base-other");

    ScanAnswer answer =
        submit(
            api, ns, application("sha256:" + "2".repeat(64), List.of("sha256:" + "b".repeat(64))));

    assertThat(answer.verdict()).isEqualTo("Fail");
    assertThat(answer.violations())
        .extracting(ScanAnswer.Violation::rule)
        .containsExactly("allowedBaseImages");
  }
}
