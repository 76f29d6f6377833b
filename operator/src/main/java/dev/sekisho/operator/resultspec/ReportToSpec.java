package dev.sekisho.operator.resultspec;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.FindingSummary;
import dev.sekisho.api.v1alpha1.ImageConfigFacts;
import dev.sekisho.api.v1alpha1.OsInfo;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.ScannerInfo;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes what a {@link ScanReport} found into a ScanResult spec: counts, OS, image facts, and the
 * {@value Constants#MAX_FINDINGS} most severe findings (known-exploited first, then severity, then
 * CVSS, then id, so the excerpt is stable).
 */
public final class ReportToSpec {
  private static final List<String> SECRET_ENV_HINTS =
      List.of("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY");

  private ReportToSpec() {}

  /**
   * Fills the scan-derived fields of {@code spec} (image, source and storeKey are left as they
   * are).
   */
  public static void fill(ScanResultSpec spec, ScanReport report) {
    ImageFacts image = report.image();
    if (image != null) {
      ImageConfigFacts config = new ImageConfigFacts();
      config.setUser(image.user());
      config.setExposedPorts(new ArrayList<>(image.exposedPorts()));
      config.setHealthcheck(image.healthcheck());
      config.setSecretEnvNames(
          image.envNames().stream()
              .filter(n -> SECRET_ENV_HINTS.stream().anyMatch(h -> n.toUpperCase().contains(h)))
              .toList());
      config.setCreated(odt(image.created()));
      spec.setConfig(config);
      // the identified base image (annotation or shared layers), else the annotation as written
      String base =
          report.baseImage() != null ? report.baseImage().reference() : image.baseImageName();
      if (base != null) {
        spec.setBaseImage(base);
      }
    }
    if (report.os() != null) {
      OsInfo os = new OsInfo();
      os.setFamily(report.os().family());
      os.setVersion(report.os().version());
      os.setName(report.os().prettyName());
      spec.setOs(os);
    }
    if (report.metadata() != null) {
      ScannerInfo scanner = new ScannerInfo();
      scanner.setVersion(report.metadata().scannerVersion());
      scanner.setDatabaseVersion(report.metadata().databaseVersion());
      scanner.setDatabaseBuilt(odt(report.metadata().databaseBuilt()));
      spec.setScanner(scanner);
      spec.setScannedAt(odt(report.metadata().scannedAt()));
    }
    spec.setSummary(summary(report));
    spec.setFindings(findings(report));
  }

  static FindingSummary summary(ScanReport report) {
    int[] bySeverity = new int[Severity.values().length];
    int fixable = 0;
    int kev = 0;
    for (Vulnerability v : report.vulnerabilities()) {
      bySeverity[v.severity().ordinal()]++;
      fixable += v.fixable() ? 1 : 0;
      kev += v.knownExploited() ? 1 : 0;
    }
    FindingSummary s = new FindingSummary();
    s.setCritical(bySeverity[Severity.Critical.ordinal()]);
    s.setHigh(bySeverity[Severity.High.ordinal()]);
    s.setMedium(bySeverity[Severity.Medium.ordinal()]);
    s.setLow(bySeverity[Severity.Low.ordinal()]);
    s.setUnknown(bySeverity[Severity.Unknown.ordinal()]);
    s.setFixable(fixable);
    s.setKnownExploited(kev);
    s.setPackages(report.packages().size());
    s.setSecrets(report.secrets().size());
    s.setMisconfigurations(report.misconfigurations().size());
    return s;
  }

  static List<Finding> findings(ScanReport report) {
    List<Finding> all = new ArrayList<>();
    for (Vulnerability v : report.vulnerabilities()) {
      Finding f = new Finding();
      f.setId(v.id());
      f.setAliases(new ArrayList<>(v.aliases()));
      f.setType("vulnerability");
      f.setSeverity(v.severity());
      f.setCvss(v.cvssScore());
      f.setPackageName(v.pkg().name());
      f.setInstalledVersion(v.pkg().version());
      f.setFixedVersion(v.fixedVersions().isEmpty() ? null : v.fixedVersions().getFirst());
      f.setKnownExploited(v.knownExploited() ? Boolean.TRUE : null);
      f.setReachable(v.reachability() == null ? null : v.reachability().label());
      f.setPublished(odt(v.published()));
      f.setLocation(v.pkg().location() == null ? null : v.pkg().location().path());
      all.add(f);
    }
    for (SecretFinding s : report.secrets()) {
      Finding f = new Finding();
      f.setId(s.ruleId());
      f.setType("secret");
      f.setSeverity(s.severity());
      f.setLocation(s.location() == null ? null : s.location().path() + ":" + s.line());
      f.setFingerprint(s.fingerprint());
      all.add(f);
    }
    for (Misconfiguration m : report.misconfigurations()) {
      Finding f = new Finding();
      f.setId(m.checkId());
      f.setType("config");
      f.setSeverity(m.severity());
      f.setLocation(m.detail());
      all.add(f);
    }
    all.sort(
        Comparator.comparing((Finding f) -> !Boolean.TRUE.equals(f.getKnownExploited()))
            .thenComparing(f -> f.getSeverity() == null ? Severity.Unknown : f.getSeverity())
            .thenComparing(f -> f.getCvss() == null ? 0.0 : -f.getCvss())
            .thenComparing(Finding::getId)
            .thenComparing(f -> f.getPackageName() == null ? "" : f.getPackageName()));
    return all.size() <= Constants.MAX_FINDINGS
        ? all
        : new ArrayList<>(all.subList(0, Constants.MAX_FINDINGS));
  }

  private static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
