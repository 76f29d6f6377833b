package dev.sekisho.operator.admission;

import dev.sekisho.api.v1alpha1.AdmissionRules;
import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.Violation;
import dev.sekisho.operator.decide.PolicyScope;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.resultspec.SpecToReport;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyResult;
import dev.sekisho.scanner.policy.PolicySelector;
import dev.sekisho.scanner.policy.PolicyViolation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the images of a Pod (or pod template) may run in a namespace, as a pure function of the
 * operator's caches ({@link Inputs}) and the time: no API call, no registry call.
 *
 * <p>For each image:
 *
 * <ol>
 *   <li>A reference by tag is refused when an Enforce policy in scope says {@code admission.tags:
 *       Deny}; otherwise it is resolved to the digest of the newest ScanResult (any namespace) that
 *       scanned the same tagged reference. A tag no ScanResult records stays unresolved.
 *   <li>An image with no ScanResult for its digest in any namespace (or an unresolved tag) is
 *       refused when an Enforce policy in scope says {@code admission.requireScan: true}.
 *   <li>When the namespace has a ScanResult for the digest whose status is decided for its current
 *       generation, that status is the answer (the reconciler evaluated the full report against
 *       exactly this namespace's policies): denied when an Enforce policy's verdict is Fail.
 *   <li>Otherwise (the digest was scanned only in other namespaces, or this namespace's result is
 *       not decided yet) the newest such result is evaluated now against this namespace's policies
 *       with the same {@link ResultEvaluator} the reconciler uses: denied when it fails an Enforce
 *       policy.
 * </ol>
 *
 * <p>"In scope" is {@link PolicyScope}: the namespace's ScanPolicies and the ClusterScanPolicies
 * whose namespaceSelector matches its labels, narrowed by their image selectors (for an image not
 * scanned yet, matched against its reference alone; a pipeline selector selects no such image). A
 * Warn policy never denies: what it would refuse becomes an admission warning.
 */
public final class AdmissionDecider {
  /** How many violations a denial names at most. */
  static final int TOP_VIOLATIONS = 3;

  /** What the decision reads: the operator's informer caches. */
  public interface Inputs {
    /** The namespace's labels (empty when the namespace is not cached). */
    Map<String, String> namespaceLabels(String namespace);

    /** The ScanPolicies of {@code namespace}. */
    Collection<ScanPolicy> scanPolicies(String namespace);

    /** Every ClusterScanPolicy. */
    Collection<ClusterScanPolicy> clusterPolicies();

    /** The ScanResults (every namespace) whose {@code spec.digest} is {@code digest}. */
    List<ScanResult> byDigest(String digest);

    /** The ScanResults (every namespace) that scanned the tagged reference {@code tag}. */
    List<ScanResult> byTag(String tag);
  }

  /** Evaluates a result against policies (the reconciler's {@link ResultEvaluator}). */
  @FunctionalInterface
  public interface Evaluator {
    ResultEvaluator.Outcome evaluate(ScanResult result, List<NamedPolicy> policies, Instant now);
  }

  /**
   * One image of the object under review.
   *
   * @param container where it is, e.g. {@code spec.template.spec.containers[app]}
   * @param image the image reference as written
   */
  public record Image(String container, String image) {}

  /**
   * The answer.
   *
   * @param allowed whether the object is admitted
   * @param message why it is denied (each refused image, its digest, the policies and the top
   *     violations); null when allowed
   * @param warnings what Warn policies would refuse, shown by kubectl
   */
  public record Decision(boolean allowed, String message, List<String> warnings) {
    static Decision allow() {
      return new Decision(true, null, List.of());
    }
  }

  private final Inputs inputs;
  private final Evaluator evaluator;

  public AdmissionDecider(Inputs inputs, Evaluator evaluator) {
    this.inputs = inputs;
    this.evaluator = evaluator;
  }

  /** Decides whether {@code images} may run in {@code namespace} at {@code now}. */
  public Decision decide(String namespace, List<Image> images, Instant now) {
    if (images.isEmpty()) {
      return Decision.allow();
    }
    Map<String, String> labels = inputs.namespaceLabels(namespace);
    Collection<ScanPolicy> scanPolicies = inputs.scanPolicies(namespace);
    Collection<ClusterScanPolicy> clusterPolicies = inputs.clusterPolicies();
    List<NamedPolicy> candidates =
        PolicyScope.candidates(namespace, labels, scanPolicies, clusterPolicies);
    if (candidates.isEmpty()) {
      return Decision.allow(); // no policy in this namespace: nothing to enforce or warn about
    }
    List<String> denials = new ArrayList<>();
    LinkedHashSet<String> warnings = new LinkedHashSet<>();
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (Image image : images) {
      if (image.image() == null || !seen.add(image.image())) {
        continue;
      }
      ImageAnswer a =
          decideImage(namespace, image, labels, scanPolicies, clusterPolicies, candidates, now);
      a.denial().ifPresent(denials::add);
      warnings.addAll(a.warnings());
    }
    return new Decision(
        denials.isEmpty(),
        denials.isEmpty() ? null : "sekisho: " + String.join("; ", denials),
        List.copyOf(warnings));
  }

  private record ImageAnswer(Optional<String> denial, List<String> warnings) {}

  private ImageAnswer decideImage(
      String namespace,
      Image image,
      Map<String, String> labels,
      Collection<ScanPolicy> scanPolicies,
      Collection<ClusterScanPolicy> clusterPolicies,
      List<NamedPolicy> candidates,
      Instant now) {
    String ref = image.image().trim();
    List<String> warnings = new ArrayList<>();
    ImageReference parsed = ImageReference.parseLenient(ref);
    String digest = parsed.digest();
    List<NamedPolicy> byReference = PolicySelector.select(candidates, factsOf(ref, digest), null);
    if (digest == null) {
      List<NamedPolicy> denyTags =
          byReference.stream()
              .filter(
                  p ->
                      rules(p)
                          .map(r -> r.tagPolicy() == AdmissionRules.TagPolicy.Deny)
                          .orElse(false))
              .toList();
      Optional<String> enforced = names(denyTags, PolicyAction.Enforce);
      names(denyTags, PolicyAction.Warn)
          .ifPresent(
              n -> warnings.add("image " + ref + " is referenced by tag, which " + n + " refuses"));
      if (enforced.isPresent()) {
        return new ImageAnswer(
            Optional.of(
                "image "
                    + ref
                    + " ("
                    + image.container()
                    + ") is referenced by tag: "
                    + enforced.get()
                    + " requires a digest (admission.tags: Deny); use "
                    + parsed.name()
                    + "@sha256:..."),
            warnings);
      }
      digest = resolve(ref);
    }
    // a result the operator wrote because it could not scan the image is no scan: it neither
    // admits the image elsewhere nor satisfies requireScan
    List<ScanResult> results =
        digest == null
            ? List.of()
            : inputs.byDigest(digest).stream()
                .filter(r -> ResultEvaluator.scanError(r) == null)
                .toList();
    if (results.isEmpty()) {
      List<NamedPolicy> require =
          byReference.stream()
              .filter(p -> rules(p).map(AdmissionRules::requiresScan).orElse(false))
              .toList();
      String what =
          digest == null
              ? "image " + ref + " (" + image.container() + ") has no ScanResult for its tag"
              : "image "
                  + ref
                  + " ("
                  + image.container()
                  + ") has no ScanResult for digest "
                  + digest;
      names(require, PolicyAction.Warn)
          .ifPresent(n -> warnings.add(what + ", which " + n + " requires"));
      Optional<String> enforced = names(require, PolicyAction.Enforce);
      return new ImageAnswer(
          enforced.map(
              n -> what + " in any namespace: " + n + " requires a scan (admission.requireScan)"),
          warnings);
    }
    ScanResult own =
        newest(
            results.stream()
                .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
                .toList());
    String label = "image " + ref + " (" + image.container() + ", " + digest + ")";
    if (own != null && decided(own)) {
      return fromStatus(label, own, warnings);
    }
    ScanResult scanned = own != null ? own : newest(results);
    return fromEvaluation(
        label, scanned, namespace, labels, scanPolicies, clusterPolicies, now, warnings);
  }

  /** The decision the reconciler wrote for this namespace's result. */
  private static ImageAnswer fromStatus(String label, ScanResult result, List<String> warnings) {
    ScanResultStatus status = result.getStatus();
    List<String> failing = new ArrayList<>();
    for (PolicyOutcome o : status.getPolicies()) {
      if (o.getAction() == PolicyAction.Warn && o.getVerdict() == Verdict.Warn) {
        warnings.add(label + " violates " + display(o) + " (Warn)");
      } else if (o.getAction() != PolicyAction.Warn
          && (o.getVerdict() == Verdict.Fail || o.getVerdict() == Verdict.Error)) {
        // an Enforce policy that could not be decided fails closed, as the pipeline gate does
        failing.add(display(o));
      }
    }
    if (failing.isEmpty()) {
      return new ImageAnswer(Optional.empty(), warnings);
    }
    List<String> top =
        status.getViolations().stream()
            .filter(v -> v.getAction() != PolicyAction.Warn)
            .limit(TOP_VIOLATIONS)
            .map(AdmissionDecider::describe)
            .toList();
    long count =
        status.getViolations().stream().filter(v -> v.getAction() != PolicyAction.Warn).count();
    // the status keeps the first violations only: past that, the total is all it knows
    Integer all = status.getViolationCount();
    long total = all != null && all > status.getViolations().size() ? all : count;
    return new ImageAnswer(
        Optional.of(denial(label, failing, "ScanResult " + where(result), total, top)), warnings);
  }

  /**
   * Evaluates a result scanned elsewhere (or not decided yet) against this namespace's policies.
   */
  private ImageAnswer fromEvaluation(
      String label,
      ScanResult result,
      String namespace,
      Map<String, String> labels,
      Collection<ScanPolicy> scanPolicies,
      Collection<ClusterScanPolicy> clusterPolicies,
      Instant now,
      List<String> warnings) {
    ScanResult here = new ScanResult();
    here.setMetadata(
        new ObjectMetaBuilder()
            .withName(result.getMetadata().getName())
            .withNamespace(namespace)
            .withGeneration(result.getMetadata().getGeneration())
            .withAnnotations(result.getMetadata().getAnnotations())
            .build());
    here.setSpec(result.getSpec());
    List<NamedPolicy> policies = PolicyScope.select(here, labels, scanPolicies, clusterPolicies);
    if (policies.isEmpty()) {
      return new ImageAnswer(Optional.empty(), warnings);
    }
    ResultEvaluator.Outcome outcome = evaluator.evaluate(here, policies, now);
    if (outcome.error() != null) {
      String why = label + ": cannot evaluate ScanResult " + where(result) + ": " + outcome.error();
      // fail closed under an Enforce policy, as the pipeline gate does with verdict Error
      Optional<String> enforced = names(policies, PolicyAction.Enforce);
      if (enforced.isPresent()) {
        return new ImageAnswer(
            Optional.of(why + " (required by " + enforced.get() + ")"), warnings);
      }
      warnings.add(why);
      return new ImageAnswer(Optional.empty(), warnings);
    }
    List<String> failing = new ArrayList<>();
    for (PolicyResult p : outcome.evaluation().policies()) {
      boolean warn = p.policy().spec().getAction() == PolicyAction.Warn;
      if (warn && p.verdict() == Verdict.Warn) {
        warnings.add(label + " violates " + p.policy().displayName() + " (Warn)");
      } else if (!warn && p.verdict() == Verdict.Fail) {
        failing.add(p.policy().displayName());
      }
    }
    if (failing.isEmpty()) {
      return new ImageAnswer(Optional.empty(), warnings);
    }
    List<PolicyViolation> enforced =
        outcome.evaluation().violations().stream()
            .filter(v -> v.action() != PolicyAction.Warn)
            .toList();
    List<String> top =
        enforced.stream().limit(TOP_VIOLATIONS).map(AdmissionDecider::describe).toList();
    return new ImageAnswer(
        Optional.of(denial(label, failing, "ScanResult " + where(result), enforced.size(), top)),
        warnings);
  }

  private static String denial(
      String label, List<String> failing, String source, long total, List<String> top) {
    return label
        + " fails "
        + String.join(", ", failing)
        + " (Enforce) per "
        + source
        + ": "
        + total
        + (total == 1 ? " violation" : " violations")
        + (top.isEmpty() ? "" : ", e.g. " + String.join(" | ", top));
  }

  private static String where(ScanResult r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  /** The digest of the newest ScanResult that scanned the tagged reference {@code ref}. */
  private String resolve(String ref) {
    String tag = ScanResultCache.tagOf(ref);
    if (tag == null) {
      return null;
    }
    ScanResult newest =
        newest(
            inputs.byTag(tag).stream()
                .filter(r -> r.getSpec() != null && r.getSpec().getDigest() != null)
                .toList());
    return newest == null ? null : newest.getSpec().getDigest();
  }

  /** The most recently scanned result (then the newest object, then by name, for stability). */
  static ScanResult newest(List<ScanResult> results) {
    return results.stream()
        .max(
            Comparator.comparing(
                    (ScanResult r) -> r.getSpec() == null ? null : r.getSpec().getScannedAt(),
                    Comparator.nullsFirst(Comparator.<OffsetDateTime>naturalOrder()))
                .thenComparing(r -> Objects.toString(r.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(r -> where(r)))
        .orElse(null);
  }

  /** Whether the reconciler decided the result's current generation. */
  static boolean decided(ScanResult r) {
    ScanResultStatus s = r.getStatus();
    return s != null
        && s.getVerdict() != null
        && s.getObservedGeneration() != null
        && Objects.equals(s.getObservedGeneration(), r.getMetadata().getGeneration());
  }

  /** The facts of an image known only by its reference, for the policies' image selectors. */
  private static ImageFacts factsOf(String ref, String digest) {
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage(ref);
    spec.setDigest(digest);
    return SpecToReport.imageFacts(spec);
  }

  private static Optional<AdmissionRules> rules(NamedPolicy p) {
    return Optional.ofNullable(p.spec().getAdmission());
  }

  /** The display names of the policies with {@code action}, comma-separated; empty for none. */
  private static Optional<String> names(List<NamedPolicy> policies, PolicyAction action) {
    List<String> names =
        policies.stream()
            .filter(p -> p.spec().getAction() == action)
            .map(NamedPolicy::displayName)
            .toList();
    return names.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", names));
  }

  private static String display(PolicyOutcome o) {
    return o.getNamespace() == null || o.getNamespace().isEmpty()
        ? o.getKind() + "/" + o.getName()
        : o.getKind() + "/" + o.getNamespace() + "/" + o.getName();
  }

  private static String describe(Violation v) {
    return describe(v.getRule(), v.getFindingId(), v.getPackageName(), v.getMessage());
  }

  private static String describe(PolicyViolation v) {
    return describe(v.rule(), v.findingId(), v.packageName(), v.message());
  }

  private static String describe(String rule, String finding, String pkg, String message) {
    if (message != null && !message.isBlank()) {
      return message;
    }
    return (rule == null ? "" : rule)
        + (finding == null ? "" : " " + finding)
        + (pkg == null ? "" : " in " + pkg);
  }
}
