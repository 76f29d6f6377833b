package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.artifact.ArtifactInspector;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.check.BaseImageIdentifier;
import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.check.ImageChecks;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.match.VulnerabilityMatcher;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.sbom.SbomReader;
import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan pipeline, one stage per method so that each front uses what it needs: the CLI runs all
 * three; the Task step runs {@link #inventory} and sends the inventory to the operator, which runs
 * {@link #report} against its own database and {@link #evaluate} against the cluster's policies.
 *
 * <pre>
 * Target ──inventory──► Inventory ──report(db)──► ScanReport ──evaluate(policies, now)──► Evaluation
 * </pre>
 */
public final class ImageScan {
  private static final Logger LOG = LoggerFactory.getLogger(ImageScan.class);

  private ImageScan() {}

  /**
   * Stage 1: what is in the image (packages, secrets, facts). Reads a registry image, an OCI layout
   * or archive, a docker archive, or (for {@code sbom:} targets) a CycloneDX or SPDX document.
   *
   * @throws IOException naming the image and the failure (see {@code ImageAccessException})
   */
  public static Inventory inventory(Target target, InspectOptions options) throws IOException {
    long start = System.nanoTime();
    Inventory inventory =
        target.kind() == Target.Kind.SBOM
            ? SbomReader.read(target.path())
            : new ArtifactInspector().inspect(target, options);
    LOG.info(
        "inventory target={} packages={} secrets={} millis={}",
        target,
        inventory.packages().size(),
        inventory.secrets().size(),
        (System.nanoTime() - start) / 1_000_000);
    return inventory;
  }

  /**
   * Stage 2: findings. Matches the inventory against the database, runs the image checks that need
   * no policy, and identifies the base image from the OCI annotations.
   *
   * @param db the vulnerability database, or null to skip matching (then the report says no
   *     database was used)
   * @param now the scan time recorded in the report
   */
  public static ScanReport report(Inventory inventory, VulnDatabase db, Instant now)
      throws IOException {
    List<Vulnerability> vulnerabilities = List.of();
    String dbVersion = null;
    Instant dbBuilt = null;
    if (db != null) {
      long start = System.nanoTime();
      VulnerabilityMatcher matcher = new VulnerabilityMatcher(db);
      vulnerabilities = matcher.match(inventory);
      List<ScanWarning> uncovered = matcher.uncovered(inventory.os(), inventory.packages());
      if (!uncovered.isEmpty()) {
        List<ScanWarning> warnings = new ArrayList<>(inventory.warnings());
        warnings.addAll(uncovered);
        inventory =
            new Inventory(
                inventory.image(),
                inventory.os(),
                inventory.packages(),
                inventory.secrets(),
                warnings);
      }
      DatabaseInfo info = db.info();
      dbVersion = info.describe();
      dbBuilt = info.builtAt();
      LOG.info(
          "matched packages={} vulnerabilities={} millis={}",
          inventory.packages().size(),
          vulnerabilities.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
    return report(
        inventory,
        vulnerabilities,
        new ScannerMetadata(ScannerVersion.current(), dbVersion, dbBuilt, now));
  }

  /** Stage 2 without a database: assembles the report from already matched vulnerabilities. */
  public static ScanReport report(
      Inventory inventory, List<Vulnerability> vulnerabilities, ScannerMetadata metadata) {
    List<Misconfiguration> misconfigurations =
        inventory.image() == null ? List.of() : ImageChecks.defaults(inventory.image());
    List<ScanWarning> warnings = new ArrayList<>(inventory.warnings());
    BaseImageIdentifier.Result base = null;
    if (inventory.image() != null) {
      // annotations only here: resolving candidate images from policies needs registry access,
      // which the policy stage does not have
      base = BaseImageIdentifier.identify(inventory.image(), List.of(), ref -> List.of());
      warnings.addAll(base.warnings());
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
            metadata);
    return base == null || base.baseImage() == null
        ? report
        : report.withBaseImage(base.baseImage());
  }

  /**
   * Stage 2b: identifies the base image by shared leading layers when the image carries no OCI
   * base-image annotation: every literal reference among the selected policies' {@code
   * allowedBaseImages} is resolved (manifest and config only, no layer is fetched) and the longest
   * chain of leading layers the image shares with one of them names the base image.
   *
   * @param resolver fetches a candidate's layer diff ids, e.g. {@link #registryResolver}
   */
  public static ScanReport identifyBaseImage(
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
    ScanReport withWarnings = report;
    if (!base.warnings().isEmpty()) {
      List<ScanWarning> warnings = new ArrayList<>(report.warnings());
      warnings.addAll(base.warnings());
      withWarnings =
          new ScanReport(
              report.image(),
              report.os(),
              report.packages(),
              report.vulnerabilities(),
              report.secrets(),
              report.misconfigurations(),
              warnings,
              report.metadata());
    }
    return base.baseImage() == null ? withWarnings : withWarnings.withBaseImage(base.baseImage());
  }

  /** Resolves candidate base images through a registry client for the given platform. */
  public static BaseImageResolver registryResolver(RegistryClient client, Platform platform) {
    return ref -> client.fetchImage(ImageReference.parse(ref), platform).diffIds();
  }

  /** Stage 3: the policies' verdict (a pure function of its arguments). */
  public static Evaluation evaluate(ScanReport report, List<NamedPolicy> policies, Instant now) {
    return PolicyEngine.evaluate(report, policies, now);
  }
}
