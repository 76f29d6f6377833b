package dev.sekisho.operator.scanapi;

import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.operator.CrashPoint;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.resultspec.ReportToSpec;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.scan.ImageScan;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one authorised scan submission: scan the received inventory with the one scan function
 * ({@link ScanPipeline}) against the current database, store the full report, create or update the
 * ScanResult (its spec), and wait, bounded, for the ScanResult reconciler to decide that
 * generation: the step is answered with the status the reconciler wrote, so the verdict it acts on
 * is the one recorded, and only the reconciler writes status. The base image is identified as the
 * CLI identifies it: by the OCI annotation, else by shared leading layers with the {@code
 * allowedBaseImages} of the policies that may select the scan, resolved from their registries by
 * the operator.
 */
public final class ScanService {
  private static final Logger LOG = LoggerFactory.getLogger(ScanService.class);

  /** Resolves candidate base images for a platform (null: linux/amd64). */
  public interface BaseImages {
    BaseImageResolver forPlatform(String platform);
  }

  private final KubernetesClient client;
  private final VulnMatcher matcher;
  private final ReportStore store;
  private final ScanResultCache results;
  private final Duration decisionWait;
  private final Clock clock;
  private final String scannerVersion;
  private final BaseImages baseImages;

  /**
   * @param results the ScanResult controller's cache, through which the reconciler's decision is
   *     seen
   * @param decisionWait how long to wait for it before answering 503 (the step retries)
   */
  public ScanService(
      KubernetesClient client,
      VulnMatcher matcher,
      ReportStore store,
      ScanResultCache results,
      Duration decisionWait,
      Clock clock,
      String scannerVersion) {
    this(
        client,
        matcher,
        store,
        results,
        decisionWait,
        clock,
        scannerVersion,
        fromRegistries(RegistryOptions.defaults()));
  }

  /**
   * @param baseImages resolves the candidate base images of {@code allowedBaseImages}
   */
  public ScanService(
      KubernetesClient client,
      VulnMatcher matcher,
      ReportStore store,
      ScanResultCache results,
      Duration decisionWait,
      Clock clock,
      String scannerVersion,
      BaseImages baseImages) {
    this.client = client;
    this.matcher = matcher;
    this.store = store;
    this.results = results;
    this.decisionWait = decisionWait;
    this.clock = clock;
    this.scannerVersion = scannerVersion;
    this.baseImages = baseImages;
  }

  /**
   * What the scan API answers.
   *
   * @param result the ScanResult with the status the reconciler decided for the written spec (or
   *     for a later one, when a concurrent submission superseded it)
   */
  public record Submitted(ScanResult result) {}

  /**
   * Scans, records and evaluates one submission.
   *
   * @param inventory the submission's inventory, decoded ({@link InventoryDecoder})
   */
  public Submitted submit(
      String namespace, ScanSubmission request, Inventory inventory, Caller caller)
      throws ApiException, IOException {
    MatchingDatabase db =
        matcher
            .database()
            .orElseThrow(
                () ->
                    new ApiException(
                        503, "the vulnerability database is not loaded yet; retry shortly"));
    ImageFacts facts = request.imageFacts() != null ? request.imageFacts() : inventory.image();
    facts = withReference(facts, request);
    // The step may send its secrets both in the inventory and beside it: count each once.
    Set<SecretFinding> unique = new LinkedHashSet<>(inventory.secrets());
    unique.addAll(request.secrets());
    Inventory received =
        new Inventory(
            facts,
            inventory.os(),
            inventory.packages(),
            new ArrayList<>(unique),
            inventory.warnings());
    ScanSubmission.Tekton tekton = request.tekton();
    // The reconciler decides; the policies here only name candidate base images, so they are
    // looked up only when the image's layers are to be compared with candidates.
    ScanInput.Policies policies =
        ScanPipeline.usesBaseImageCandidates(facts)
            ? new ScanInput.Policies(
                candidatePolicies(namespace), tekton == null ? null : tekton.pipeline(), false)
            : null;
    ScanReport report =
        ScanPipeline.scan(
                new ScanInput(
                    new ScanInput.Received(received),
                    db,
                    policies,
                    baseImages.forPlatform(facts.platform()),
                    clock,
                    scannerVersion))
            .report();

    String name = resultName(request);
    String key = ReportStore.key(namespace, name);
    CrashPoint.BEFORE_STORE.reach();
    store.put(key, report);
    CrashPoint.AFTER_STORE.reach();

    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(request.image());
    spec.setDigest(request.digest());
    spec.setPlatform(request.platform());
    spec.setStoreKey(key);
    ScanSource source = new ScanSource();
    source.setNamespace(namespace);
    source.setServiceAccount(caller.serviceAccount());
    if (tekton != null) {
      source.setPipeline(tekton.pipeline());
      source.setPipelineRun(tekton.pipelineRun());
      source.setPipelineRunUid(tekton.pipelineRunUid());
      source.setTaskRun(tekton.taskRun());
    }
    spec.setSource(source);
    ReportToSpec.fill(spec, report);

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Constants.LABEL_IMAGE_DIGEST, digestLabel(request.digest()));
    if (tekton != null && tekton.pipelineRun() != null) {
      labels.put(Constants.LABEL_PIPELINE_RUN, labelValue(tekton.pipelineRun()));
    }
    if (tekton != null && tekton.pipeline() != null) {
      labels.put(Constants.LABEL_PIPELINE, labelValue(tekton.pipeline()));
    }
    ScanResult written = createOrUpdate(namespace, name, labels, spec);
    return new Submitted(awaitDecision(written));
  }

  /** The result once the reconciler has decided {@code written}'s generation. */
  private ScanResult awaitDecision(ScanResult written) throws ApiException {
    CompletableFuture<ScanResult> decided = results.decided(written);
    try {
      return decided.get(decisionWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(
          503,
          "the operator has not decided ScanResult "
              + written.getMetadata().getNamespace()
              + "/"
              + written.getMetadata().getName()
              + " within "
              + decisionWait.toSeconds()
              + "s (SEKISHO_API_DECISION_WAIT; is an operator replica leading?); retry shortly");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NoSuchElementException gone) {
        throw new ApiException(503, gone.getMessage() + "; retry shortly");
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted while waiting for the decision; retry shortly");
    } finally {
      results.stopWaiting(written, decided);
    }
  }

  /**
   * The policies that may select a scan in {@code namespace} ({@link PolicyScope#candidates}), read
   * from the API server: the scan API also answers on replicas that are not the leader. The scan
   * function selects among them by image and pipeline, as the reconciler does.
   */
  private List<NamedPolicy> candidatePolicies(String namespace) {
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels =
        ns == null || ns.getMetadata().getLabels() == null
            ? Map.of()
            : ns.getMetadata().getLabels();
    return PolicyScope.candidates(
        namespace,
        labels,
        client.resources(ScanPolicy.class).inNamespace(namespace).list().getItems(),
        client.resources(ClusterScanPolicy.class).list().getItems());
  }

  /**
   * Resolves candidate base images from their registries with the operator's own registry access
   * ({@link RegistryOptions#defaults()} in the operator: anonymous, or the Docker config at {@code
   * $DOCKER_CONFIG/config.json}); manifests and configs only. Bounded so a registry the operator
   * cannot reach delays a scan by seconds, not minutes: the candidate is then skipped with a
   * warning in the report.
   */
  public static BaseImages fromRegistries(RegistryOptions registries) {
    RegistryOptions options =
        registries
            .withMaxAttempts(BASE_IMAGE_ATTEMPTS)
            .withConnectTimeout(BASE_IMAGE_CONNECT_TIMEOUT);
    return platform -> {
      Platform p = platformOrDefault(platform);
      return ref -> {
        try (RegistryClient registry = new RegistryClient(options)) {
          return ImageScan.registryResolver(registry, p).layerDiffIds(ref);
        } catch (RuntimeException e) {
          LOG.debug("cannot resolve candidate base image ref={}: {}", ref, e.toString());
          throw new IOException("cannot resolve " + ref + ": " + e.getMessage(), e);
        }
      };
    };
  }

  private static Platform platformOrDefault(String platform) {
    try {
      return platform == null ? Platform.DEFAULT : Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      return Platform.DEFAULT;
    }
  }

  /** Attempts per registry request when resolving a candidate base image. */
  static final int BASE_IMAGE_ATTEMPTS = 2;

  /** Connect timeout when resolving a candidate base image. */
  static final Duration BASE_IMAGE_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private ScanResult createOrUpdate(
      String namespace, String name, Map<String, String> labels, ScanResultSpec spec) {
    var resource = client.resources(ScanResult.class).inNamespace(namespace).withName(name);
    for (int attempt = 1; ; attempt++) {
      ScanResult existing = resource.get();
      try {
        if (existing == null) {
          ScanResult created = new ScanResult();
          created.setMetadata(
              new ObjectMetaBuilder()
                  .withName(name)
                  .withNamespace(namespace)
                  .withLabels(labels)
                  .build());
          created.setSpec(spec);
          return client.resource(created).create();
        }
        Map<String, String> merged =
            new LinkedHashMap<>(
                existing.getMetadata().getLabels() == null
                    ? Map.of()
                    : existing.getMetadata().getLabels());
        merged.putAll(labels);
        existing.getMetadata().setLabels(merged);
        existing.setSpec(spec);
        return client.resource(existing).update();
      } catch (KubernetesClientException e) {
        // 409: someone created or changed it between our read and write; read again.
        if (e.getCode() != 409 || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private static ImageFacts withReference(ImageFacts facts, ScanSubmission request) {
    if (facts == null) {
      return new ImageFacts(
          request.image(),
          null,
          null,
          null,
          request.digest(),
          request.platform(),
          null,
          null,
          null,
          false,
          null,
          null,
          null,
          null);
    }
    return new ImageFacts(
        request.image(),
        facts.registry(),
        facts.repository(),
        facts.tag(),
        request.digest(),
        request.platform() != null ? request.platform() : facts.platform(),
        facts.user(),
        facts.exposedPorts(),
        facts.envNames(),
        facts.healthcheck(),
        facts.labels(),
        facts.annotations(),
        facts.created(),
        facts.layers());
  }

  /**
   * The ScanResult name for a submission: stable for one image digest in one PipelineRun, so a
   * retried step updates the same result. {@code <pipelineRun>-<12 hex of the digest>}, or {@code
   * scan-<12 hex>} outside a pipeline; long PipelineRun names are cut and made unique with a hash.
   */
  public static String resultName(ScanSubmission request) {
    String hex = request.digest().substring("sha256:".length());
    String run = request.tekton() == null ? null : request.tekton().pipelineRun();
    if (run == null) {
      return "scan-" + hex.substring(0, 12);
    }
    String prefix = run;
    if (prefix.length() > 40) {
      prefix = trimEnd(prefix.substring(0, 32)) + "-" + sha256(run).substring(0, 7);
    }
    return trimEnd(prefix) + "-" + hex.substring(0, 12);
  }

  /** Label values are at most 63 characters: the digest label carries the first 63 hex digits. */
  static String digestLabel(String digest) {
    return digest.substring("sha256:".length(), "sha256:".length() + 63);
  }

  private static String labelValue(String name) {
    if (name.length() <= 63) {
      return name;
    }
    return trimEnd(name.substring(0, 55)) + "-" + sha256(name).substring(0, 7);
  }

  private static String trimEnd(String s) {
    int end = s.length();
    while (end > 0 && !Character.isLetterOrDigit(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
