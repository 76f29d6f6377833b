package dev.sekisho.scanner.report.json;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.report.FindingCounts;
import dev.sekisho.scanner.report.FindingOrder;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.vex.VexStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Maps a scan (and its policy verdict) to the JSON report's wire model. */
public final class JsonReportMapper {

  private JsonReportMapper() {}

  /** The wire model of {@code input}. */
  public static JsonReport toModel(ReportInput input) {
    ScanReport report = input.report();
    FindingCounts counts = FindingCounts.of(report);
    return new JsonReport(
        JsonReport.SCHEMA_VERSION,
        artifact(report),
        scanner(report.metadata()),
        new JsonReport.Summary(
            counts.count(Severity.Critical),
            counts.count(Severity.High),
            counts.count(Severity.Medium),
            counts.count(Severity.Low),
            counts.count(Severity.Unknown),
            counts.fixable(),
            counts.knownExploited(),
            counts.packages(),
            counts.secrets(),
            counts.misconfigurations()),
        policy(input.evaluation()),
        layers(report.image()),
        report.packages().stream()
            .sorted(
                Comparator.comparing((Package p) -> p.type().purlType())
                    .thenComparing(Package::name)
                    .thenComparing(Package::version))
            .map(JsonReportMapper::pkg)
            .toList(),
        report.vulnerabilities().stream()
            .sorted(FindingOrder.VULNERABILITIES)
            .map(v -> vulnerability(v, input))
            .toList(),
        report.secrets().stream().sorted(FindingOrder.SECRETS).map(s -> secret(s, input)).toList(),
        report.misconfigurations().stream()
            .sorted(FindingOrder.MISCONFIGURATIONS)
            .map(m -> misconfiguration(m, input))
            .toList(),
        report.warnings().stream()
            .map(w -> new JsonReport.Warning(location(w.location()), w.message()))
            .toList());
  }

  private static JsonReport.Artifact artifact(ScanReport report) {
    ImageFacts image = report.image();
    OperatingSystem os = report.os();
    JsonReport.Os jsonOs =
        os == null
            ? null
            : new JsonReport.Os(os.family(), os.version(), os.codename(), os.prettyName());
    if (image == null) {
      return new JsonReport.Artifact(null, null, null, null, null, null, jsonOs, null, null, null);
    }
    return new JsonReport.Artifact(
        image.reference(),
        image.registry(),
        image.repository(),
        image.tag(),
        image.digest(),
        image.platform(),
        jsonOs,
        image.baseImageName(),
        new JsonReport.Config(
            image.user(),
            image.exposedPorts(),
            image.envNames(),
            image.healthcheck(),
            image.labels().isEmpty() ? null : image.labels()),
        image.created());
  }

  private static JsonReport.Scanner scanner(ScannerMetadata m) {
    if (m == null) {
      return null;
    }
    return new JsonReport.Scanner(
        m.scannerVersion(), m.databaseVersion(), m.databaseBuilt(), m.scannedAt());
  }

  private static List<JsonReport.Layer> layers(ImageFacts image) {
    List<JsonReport.Layer> layers = new ArrayList<>();
    if (image == null) {
      return layers;
    }
    int i = 0;
    for (LayerInfo l : image.layers()) {
      layers.add(
          new JsonReport.Layer(
              i++, l.digest(), l.diffId(), l.size(), l.mediaType(), l.createdBy()));
    }
    return layers;
  }

  private static JsonReport.PackageEntry pkg(Package p) {
    return new JsonReport.PackageEntry(
        p.type().purlType(),
        p.name(),
        p.version(),
        p.sourceName(),
        p.sourceVersion(),
        p.licenses().isEmpty() ? null : p.licenses(),
        p.purl(),
        location(p.location()));
  }

  private static JsonReport.Policy policy(Evaluation e) {
    if (e == null) {
      return null;
    }
    return new JsonReport.Policy(
        e.verdict().name(),
        e.decidingPolicy(),
        e.policies().stream()
            .map(
                r ->
                    new JsonReport.PolicyOutcome(
                        r.policy().displayName(),
                        r.policy().spec() == null || r.policy().spec().getAction() == null
                            ? null
                            : r.policy().spec().getAction().name(),
                        r.verdict().name(),
                        r.violations(),
                        r.excepted()))
            .toList(),
        e.violations().stream()
            .map(
                v ->
                    new JsonReport.Violation(
                        v.policy(),
                        v.action() == null ? null : v.action().name(),
                        v.rule(),
                        v.findingId(),
                        v.packageName(),
                        v.message()))
            .toList(),
        e.exceptions().stream()
            .map(
                x ->
                    new JsonReport.ExceptionEntry(
                        x.policy(),
                        x.exceptionId(),
                        x.expired(),
                        x.expires(),
                        x.reason(),
                        x.coveredFindings(),
                        vex(x),
                        x.coveredPackages().isEmpty() ? null : x.coveredPackages()))
            .toList(),
        e.nextEvaluation());
  }

  private static JsonReport.Exception exception(
      ReportInput input, String id, List<String> aliases) {
    return exception(input.exceptionFor(id, aliases));
  }

  private static JsonReport.Exception exception(Optional<ExceptionUse> use) {
    return use.map(x -> new JsonReport.Exception(x.policy(), x.reason(), x.expires(), vex(x)))
        .orElse(null);
  }

  private static JsonReport.Vex vex(ExceptionUse x) {
    if (!x.isVex()) {
      return null;
    }
    VexStatement s = x.vex();
    return new JsonReport.Vex(
        s.document(), s.status().id(), s.justification(), s.impactStatement());
  }

  private static JsonReport.VulnerabilityEntry vulnerability(Vulnerability v, ReportInput input) {
    Package p = v.pkg();
    return new JsonReport.VulnerabilityEntry(
        v.id(),
        v.aliases(),
        v.severity().name(),
        v.cvssScore(),
        v.cvssVector(),
        new JsonReport.PackageRef(
            p.type().purlType(),
            p.name(),
            p.version(),
            p.purl(),
            p.metadata() instanceof PackageMetadata.Java j ? j.groupInference() : null),
        p.version(),
        v.fixedVersions(),
        v.fixState().name(),
        v.knownExploited(),
        v.published(),
        v.modified(),
        v.summary(),
        v.references(),
        location(p.location()),
        exception(input.exceptionFor(v)),
        v.reachability() == null ? null : v.reachability().label(),
        v.epss() == null ? null : new JsonReport.Epss(v.epss().score(), v.epss().percentile()));
  }

  private static JsonReport.SecretEntry secret(SecretFinding s, ReportInput input) {
    return new JsonReport.SecretEntry(
        s.ruleId(),
        s.title(),
        s.severity().name(),
        location(s.location()),
        s.line(),
        s.redacted(),
        s.fingerprint(),
        exception(input.exceptionFor(s)));
  }

  private static JsonReport.MisconfigurationEntry misconfiguration(
      Misconfiguration m, ReportInput input) {
    return new JsonReport.MisconfigurationEntry(
        m.checkId(),
        m.severity().name(),
        m.title(),
        m.detail(),
        exception(input, m.checkId(), List.of()));
  }

  private static JsonReport.LocationEntry location(Location l) {
    return l == null ? null : new JsonReport.LocationEntry(l.path(), l.layerDigest());
  }
}
