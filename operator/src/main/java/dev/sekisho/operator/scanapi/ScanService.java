package dev.sekisho.operator.scanapi;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.ScanSource;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.resultspec.ReportToSpec;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
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

/**
 * Handles one authorised scan submission: match the inventory against the current database, store
 * the full report, create or update the ScanResult (its spec), and wait, bounded, for the
 * ScanResult reconciler to decide that generation: the step is answered with the status the
 * reconciler wrote, so the verdict it acts on is the one recorded, and only the reconciler writes
 * status.
 */
public final class ScanService {
  private final KubernetesClient client;
  private final VulnMatcher matcher;
  private final ReportStore store;
  private final ScanResultCache results;
  private final Duration decisionWait;
  private final Clock clock;
  private final String scannerVersion;

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
    this.client = client;
    this.matcher = matcher;
    this.store = store;
    this.results = results;
    this.decisionWait = decisionWait;
    this.clock = clock;
    this.scannerVersion = scannerVersion;
  }

  /**
   * What the scan API answers.
   *
   * @param result the ScanResult with the status the reconciler decided for the written spec (or
   *     for a later one, when a concurrent submission superseded it)
   */
  public record Submitted(ScanResult result) {}

  public Submitted submit(String namespace, ScanRequest request, Caller caller)
      throws ApiException, IOException {
    VulnMatcher.DatabaseInfo db =
        matcher
            .database()
            .orElseThrow(
                () ->
                    new ApiException(
                        503, "the vulnerability database is not loaded yet; retry shortly"));
    Inventory inventory = request.inventory();
    List<Vulnerability> vulns = matcher.match(inventory.os(), inventory.packages());
    // packages no advisory can match (e.g. OS packages whose distribution is unknown) are named
    List<ScanWarning> warnings = new ArrayList<>(inventory.warnings());
    warnings.addAll(matcher.uncovered(inventory.os(), inventory.packages()));
    ImageFacts facts = request.imageFacts() != null ? request.imageFacts() : inventory.image();
    facts = withReference(facts, request);
    // The step may send its secrets both in the inventory and beside it: count each once.
    Set<SecretFinding> unique = new LinkedHashSet<>(inventory.secrets());
    unique.addAll(request.secrets());
    List<SecretFinding> secrets = new ArrayList<>(unique);
    ScanReport report =
        new ScanReport(
            facts,
            inventory.os(),
            inventory.packages(),
            vulns,
            secrets,
            List.of(),
            warnings,
            new ScannerMetadata(scannerVersion, db.version(), db.built(), clock.instant()));

    String name = resultName(request);
    String key = ReportStore.key(namespace, name);
    store.put(key, report);

    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(request.image());
    spec.setDigest(request.digest());
    spec.setPlatform(request.platform());
    spec.setStoreKey(key);
    ScanSource source = new ScanSource();
    source.setNamespace(namespace);
    source.setServiceAccount(caller.serviceAccount());
    if (request.tekton() != null) {
      source.setPipeline(request.tekton().pipeline());
      source.setPipelineRun(request.tekton().pipelineRun());
      source.setPipelineRunUid(request.tekton().pipelineRunUid());
      source.setTaskRun(request.tekton().taskRun());
    }
    spec.setSource(source);
    ReportToSpec.fill(spec, report);

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Constants.LABEL_IMAGE_DIGEST, digestLabel(request.digest()));
    if (request.tekton() != null && request.tekton().pipelineRun() != null) {
      labels.put(Constants.LABEL_PIPELINE_RUN, labelValue(request.tekton().pipelineRun()));
    }
    if (request.tekton() != null && request.tekton().pipeline() != null) {
      labels.put(Constants.LABEL_PIPELINE, labelValue(request.tekton().pipeline()));
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

  private static ImageFacts withReference(ImageFacts facts, ScanRequest request) {
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
  public static String resultName(ScanRequest request) {
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
