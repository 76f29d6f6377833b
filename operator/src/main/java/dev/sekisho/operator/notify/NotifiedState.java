package dev.sekisho.operator.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one sink was last told about one ScanResult: the verdict and the ids of the findings at or
 * above the notifier's threshold (sorted). Kept as JSON in an annotation the sink owns on the
 * ScanResult ({@link #annotationKey}); an absent annotation means the sink was told nothing.
 *
 * @param verdict the verdict, null when unknown
 * @param findings ids of the findings at or above the threshold, sorted, no duplicates
 */
public record NotifiedState(Verdict verdict, List<String> findings) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public NotifiedState {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** The state a result is in now, for a notifier with threshold {@code min}. */
  public static NotifiedState of(ScanResult result, Severity min) {
    Verdict verdict = result.getStatus() == null ? null : result.getStatus().getVerdict();
    return new NotifiedState(verdict, atLeast(result, min).stream().map(Finding::getId).toList());
  }

  /** The result's findings at or above {@code min}, one per id, sorted by id. */
  static List<Finding> atLeast(ScanResult result, Severity min) {
    if (result.getSpec() == null || result.getSpec().getFindings() == null) {
      return List.of();
    }
    Map<String, Finding> byId = new java.util.TreeMap<>();
    for (Finding f : result.getSpec().getFindings()) {
      if (f.getId() != null && f.getSeverity() != null && f.getSeverity().atLeast(min)) {
        byId.putIfAbsent(f.getId(), f);
      }
    }
    return List.copyOf(byId.values());
  }

  /**
   * The annotation key of one sink of one notifier: {@code sekisho.dev/notified-} and 16 hex digits
   * of the SHA-256 of {@code namespace/notifier/sink} (a key's name part has at most 63 characters,
   * so the names themselves cannot go in).
   */
  public static String annotationKey(String namespace, String notifier, String sink) {
    return Constants.ANNOTATION_NOTIFIED_PREFIX
        + sha256(namespace + "/" + notifier + "/" + sink).substring(0, 16);
  }

  /** The state recorded on {@code result} for the sink with {@code key}; null when none. */
  public static NotifiedState recorded(ScanResult result, String key) {
    Map<String, String> annotations = result.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    if (value == null) {
      return null;
    }
    try {
      Stored s = JSON.readValue(value, Stored.class);
      return new NotifiedState(s.verdict(), s.findings());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // someone edited it: treat as never told (at worst one message too many)
      return null;
    }
  }

  /** The annotation value. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(new Stored(verdict, findings));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Stored(Verdict verdict, List<String> findings) {}

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean sameAs(NotifiedState other) {
    return other != null && verdict == other.verdict && Objects.equals(findings, other.findings);
  }
}
