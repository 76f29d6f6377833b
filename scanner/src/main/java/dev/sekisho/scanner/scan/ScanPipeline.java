package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.check.BaseImageIdentifier;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.check.ImageChecks;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicySelector;
import dev.sekisho.scanner.version.VersionOrdering;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scan function. Every front calls {@link #scan}: the CLI with the inventory it read and
 * its local database and policy files; the operator's scan API with the inventory the Task step
 * sent and the database it holds; the operator's re-matcher with a stored report after a database
 * update. Only this class builds a {@link ScanReport} from findings.
 *
 * <pre>
 * inventory ──match(db)──► vulnerabilities ──image checks, base image (annotation)──► ScanReport
 *   ──select policies──► base image by shared layers ──evaluate(policies, now)──► Evaluation
 * </pre>
 *
 * Reading the image ({@link ImageScan#inventory}) is the stage before: the CLI and the Task step
 * run it themselves, under their own time limit, while the CLI opens its database at the same time.
 */
public final class ScanPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(ScanPipeline.class);

  private ScanPipeline() {}

  /**
   * Scans: matches the inventory, runs the image checks, identifies the base image (by the OCI
   * annotation, else by shared layers with the selected policies' allowed base images), and
   * evaluates the selected policies.
   *
   * @throws IOException when the database cannot be read
   */
  public static ScanOutcome scan(ScanInput input) throws IOException {
    return switch (input.source()) {
      case ScanInput.Received received -> fresh(received.inventory(), input);
      case ScanInput.Stored stored -> rematch(stored.report(), input);
    };
  }

  private static ScanOutcome fresh(Inventory inventory, ScanInput input) throws IOException {
    Instant now = input.clock().instant();
    List<Vulnerability> vulnerabilities = List.of();
    List<ScanWarning> warnings = new ArrayList<>(inventory.warnings());
    MatchingDatabase db = input.database();
    if (db != null) {
      long start = System.nanoTime();
      vulnerabilities = db.match(inventory.os(), inventory.packages());
      // packages no advisory can match (e.g. OS packages whose distribution is unknown) are named
      warnings.addAll(db.uncovered(inventory.os(), inventory.packages()));
      LOG.info(
          "matched packages={} vulnerabilities={} millis={}",
          inventory.packages().size(),
          vulnerabilities.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
    ScannerMetadata metadata =
        new ScannerMetadata(
            input.scannerVersion(),
            db == null ? null : db.version(),
            db == null ? null : db.built(),
            now);
    List<Misconfiguration> misconfigurations =
        inventory.image() == null ? List.of() : ImageChecks.defaults(inventory.image());
    BaseImageIdentifier.Result annotated = null;
    if (inventory.image() != null) {
      // the OCI base-image annotation needs no registry access
      annotated = BaseImageIdentifier.identify(inventory.image(), List.of(), ref -> List.of());
      warnings.addAll(annotated.warnings());
    }
    ScanReport report =
        new ScanReport(
            inventory.image(),
            inventory.os(),
            inventory.packages(),
            vulnerabilities,
            inventory.secrets(),
            misconfigurations,
            warnings,
            metadata,
            annotated == null ? null : annotated.baseImage());

    ScanInput.Policies policies = input.policies();
    if (policies == null) {
      return new ScanOutcome(report, List.of(), List.of(), null);
    }
    List<NamedPolicy> applying = new ArrayList<>();
    List<ScanOutcome.Skipped> skipped = new ArrayList<>();
    for (NamedPolicy p : policies.candidates()) {
      Optional<String> why = PolicySelector.whyNot(p, inventory.image(), policies.pipeline());
      if (why.isEmpty()) {
        applying.add(p);
      } else {
        skipped.add(new ScanOutcome.Skipped(p, why.get()));
      }
    }
    if (!applying.isEmpty() && input.baseImages() != null) {
      report = identifyBaseImage(report, applying, input.baseImages());
    }
    Evaluation evaluation =
        policies.evaluate() && (!policies.candidates().isEmpty() || !policies.vex().isEmpty())
            ? PolicyEngine.evaluate(
                report, applying, now, VersionOrdering.standard(), policies.vex())
            : null;
    return new ScanOutcome(report, applying, skipped, evaluation);
  }

  private static ScanOutcome rematch(ScanReport old, ScanInput input) throws IOException {
    MatchingDatabase db = input.database();
    if (db == null) {
      throw new IllegalArgumentException("matching a stored report again needs a database");
    }
    List<Vulnerability> vulnerabilities = db.match(old.os(), old.packages());
    ScannerMetadata metadata =
        new ScannerMetadata(
            old.metadata() == null ? null : old.metadata().scannerVersion(),
            db.version(),
            db.built(),
            old.metadata() == null ? null : old.metadata().scannedAt());
    ScanReport report =
        new ScanReport(
            old.image(),
            old.os(),
            old.packages(),
            vulnerabilities,
            old.secrets(),
            old.misconfigurations(),
            old.warnings(),
            metadata,
            old.baseImage());
    return new ScanOutcome(report, List.of(), List.of(), null);
  }

  /**
   * True when identifying the base image of {@code image} would compare its layers with candidate
   * base images: it has layers and no OCI base-image annotation. A front whose policy lookup costs
   * requests may skip it otherwise (the verdict is decided elsewhere, as in the operator).
   */
  public static boolean usesBaseImageCandidates(ImageFacts image) {
    String annotated = image == null ? null : image.baseImageName();
    return image != null && (annotated == null || annotated.isBlank()) && !image.layers().isEmpty();
  }

  /**
   * Identifies the base image by shared leading layers when the image carries no OCI base-image
   * annotation: every literal reference among the policies' {@code allowedBaseImages} is resolved
   * (manifest and config only, no layer is fetched) and the longest chain of leading layers the
   * image shares with one of them names the base image.
   */
  static ScanReport identifyBaseImage(
      ScanReport report, List<NamedPolicy> policies, BaseImageResolver resolver) {
    if (report.image() == null || report.baseImage() != null) {
      return report;
    }
    List<String> candidates = new ArrayList<>();
    for (NamedPolicy policy : policies) {
      candidates.addAll(policy.spec().getAllowedBaseImages());
    }
    if (candidates.isEmpty()) {
      return report;
    }
    BaseImageIdentifier.Result base =
        BaseImageIdentifier.identify(report.image(), candidates, resolver);
    if (base.warnings().isEmpty() && base.baseImage() == null) {
      return report;
    }
    List<ScanWarning> warnings = new ArrayList<>(report.warnings());
    warnings.addAll(base.warnings());
    return new ScanReport(
        report.image(),
        report.os(),
        report.packages(),
        report.vulnerabilities(),
        report.secrets(),
        report.misconfigurations(),
        warnings,
        report.metadata(),
        base.baseImage());
  }
}
