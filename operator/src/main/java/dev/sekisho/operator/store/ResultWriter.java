package dev.sekisho.operator.store;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.operator.CrashPoint;
import dev.sekisho.operator.resultspec.ReportToSpec;
import dev.sekisho.scanner.model.ScanReport;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records a scan: the full report in the {@link ReportStore}, its summary and findings excerpt in
 * the ScanResult's spec, created or updated. The one road for every scan the operator records (the
 * scan API's submissions and the scans of running images); the ScanResult reconciler then decides
 * the new generation.
 */
public final class ResultWriter {
  private final KubernetesClient client;
  private final ReportStore store;

  public ResultWriter(KubernetesClient client, ReportStore store) {
    this.client = client;
    this.store = store;
  }

  /**
   * Stores {@code report} under the result's key, fills {@code spec} from it ({@code storeKey},
   * summary, findings) and creates or updates the ScanResult {@code namespace/name} with {@code
   * labels} added to its own (and the scan-error annotation removed: this scan succeeded).
   *
   * @return the ScanResult as written
   */
  public ScanResult write(
      String namespace,
      String name,
      Map<String, String> labels,
      ScanResultSpec spec,
      ScanReport report)
      throws IOException {
    String key = ReportStore.key(namespace, name);
    CrashPoint.BEFORE_STORE.reach();
    store.put(key, report);
    CrashPoint.AFTER_STORE.reach();
    spec.setStoreKey(key);
    ReportToSpec.fill(spec, report);
    return createOrUpdate(namespace, name, labels, null, spec);
  }

  /**
   * Records that the image could not be scanned: a ScanResult with {@code spec} (no report) and the
   * annotation {@link Constants#ANNOTATION_SCAN_ERROR} carrying {@code reason}, which the
   * reconciler turns into verdict Error. An existing result keeps its report: only its annotation
   * changes.
   */
  public ScanResult writeError(
      String namespace,
      String name,
      Map<String, String> labels,
      ScanResultSpec spec,
      String reason) {
    return createOrUpdate(namespace, name, labels, reason, spec);
  }

  private ScanResult createOrUpdate(
      String namespace,
      String name,
      Map<String, String> labels,
      String scanError,
      ScanResultSpec spec) {
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
                  .withAnnotations(
                      scanError == null
                          ? null
                          : Map.of(Constants.ANNOTATION_SCAN_ERROR, truncate(scanError)))
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
        Map<String, String> annotations =
            new LinkedHashMap<>(
                existing.getMetadata().getAnnotations() == null
                    ? Map.of()
                    : existing.getMetadata().getAnnotations());
        if (scanError == null) {
          annotations.remove(Constants.ANNOTATION_SCAN_ERROR);
          existing.setSpec(spec);
        } else {
          annotations.put(Constants.ANNOTATION_SCAN_ERROR, truncate(scanError));
        }
        existing.getMetadata().setAnnotations(annotations);
        return client.resource(existing).update();
      } catch (KubernetesClientException e) {
        // 409: someone created or changed it between our read and write; read again.
        if (e.getCode() != 409 || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private static String truncate(String s) {
    return s.length() > 1024 ? s.substring(0, 1021) + "..." : s;
  }

  /** Label values are at most 63 characters: the digest label carries the first 63 hex digits. */
  public static String digestLabel(String digest) {
    return digest.substring("sha256:".length(), "sha256:".length() + 63);
  }
}
