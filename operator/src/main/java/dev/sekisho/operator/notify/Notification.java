package dev.sekisho.operator.notify;

import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One change of an image in use, from what a sink was last told ({@code previous}) to the result's
 * state now ({@code state}): every sink renders it in its own format.
 *
 * @param id stable for the same result and change (CloudEvents id), so a receiver can drop a
 *     message delivered twice
 * @param previousVerdict the verdict the sink was last told, null when it was told nothing
 * @param gained findings at or above the threshold the sink was not told about
 * @param fixed ids of findings the sink was told about that the result no longer has
 */
public record Notification(
    String id,
    String namespace,
    String name,
    String uid,
    String image,
    String digest,
    Verdict previousVerdict,
    Verdict verdict,
    String decidingPolicy,
    List<Finding> gained,
    List<String> fixed,
    Severity minSeverity,
    int pods,
    List<WorkloadUse> workloads,
    NotifiedState state,
    Instant time) {

  /** The change of {@code result} since {@code previous} (null: never told) for threshold min. */
  public static Notification of(
      ScanResult result, NotifiedState previous, Severity min, Instant now) {
    NotifiedState state = NotifiedState.of(result, min);
    Set<String> before = previous == null ? Set.of() : new HashSet<>(previous.findings());
    Set<String> after = new HashSet<>(state.findings());
    List<Finding> gained =
        NotifiedState.atLeast(result, min).stream()
            .filter(f -> !before.contains(f.getId()))
            .toList();
    List<String> fixed =
        previous == null
            ? List.of()
            : previous.findings().stream().filter(f -> !after.contains(f)).toList();
    InUse inUse = result.getStatus() == null ? null : result.getStatus().getInUse();
    String uid = result.getMetadata().getUid();
    return new Notification(
        NotifiedState.sha256(
                uid + "|" + (previous == null ? "" : previous.toJson()) + "|" + state.toJson())
            .substring(0, 32),
        result.getMetadata().getNamespace(),
        result.getMetadata().getName(),
        uid,
        result.getSpec().getImage(),
        result.getSpec().getDigest(),
        previous == null ? null : previous.verdict(),
        state.verdict(),
        result.getStatus() == null ? null : result.getStatus().getDecidingPolicy(),
        gained,
        fixed,
        min,
        inUse == null || inUse.getPods() == null ? 0 : inUse.getPods(),
        inUse == null ? List.of() : List.copyOf(inUse.getWorkloads()),
        state,
        now);
  }

  /**
   * The verdict differs from the one the sink was told; an image the sink first hears about counts
   * unless it passes.
   */
  public boolean verdictChanged() {
    if (verdict == null || verdict == previousVerdict) {
      return false;
    }
    return previousVerdict != null || verdict != Verdict.Pass;
  }

  /**
   * Worth a message (webhook, Slack): the verdict changed, or findings at or above the threshold
   * appeared.
   */
  public boolean alerting() {
    return verdictChanged() || !gained.isEmpty();
  }

  /** The image with its digest, as people read it. */
  public String imageRef() {
    if (digest == null || image.contains("@")) {
      return image;
    }
    return image + "@" + digest;
  }
}
