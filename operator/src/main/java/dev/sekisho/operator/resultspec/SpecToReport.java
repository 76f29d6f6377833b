package dev.sekisho.operator.resultspec;

import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.ImageConfigFacts;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ScanReport} from a ScanResult spec alone, for results whose full findings are not
 * in the store (created by hand, or the store was lost). The report holds only the bounded excerpt
 * of findings the spec carries and no package inventory, so package deny rules cannot match;
 * vulnerability, config and secret rules apply to what the excerpt shows.
 */
public final class SpecToReport {
  private SpecToReport() {}

  /** The image facts a ScanResult spec records (enough for selectors and image-config rules). */
  public static ImageFacts imageFacts(ScanResultSpec spec) {
    // split and normalised as the scanner names the image it scans (docker.io/library/nginx), so
    // that selectors and registry rules see the same name with or without the stored report
    ImageReference ref =
        spec.getImage() == null || spec.getImage().isBlank()
            ? null
            : ImageReference.parseLenient(spec.getImage());
    ImageConfigFacts config = spec.getConfig() == null ? new ImageConfigFacts() : spec.getConfig();
    return new ImageFacts(
        spec.getImage(),
        ref == null ? null : ref.registry(),
        ref == null ? null : ref.repository(),
        ref == null ? null : ref.tag(),
        spec.getDigest(),
        spec.getPlatform(),
        config.getUser(),
        config.getExposedPorts(),
        config.getSecretEnvNames(),
        Boolean.TRUE.equals(config.getHealthcheck()),
        null,
        spec.getBaseImage() == null
            ? null
            : java.util.Map.of("org.opencontainers.image.base.name", spec.getBaseImage()),
        instant(config.getCreated()),
        null);
  }

  private static final java.util.regex.Pattern PATH_AND_LINE =
      java.util.regex.Pattern.compile("^(.*):([0-9]{1,9})$");

  public static ScanReport toReport(ScanResultSpec spec) {
    ImageFacts facts = imageFacts(spec);
    OperatingSystem os =
        spec.getOs() == null
            ? null
            : new OperatingSystem(
                spec.getOs().getFamily(), spec.getOs().getVersion(), null, spec.getOs().getName());
    PackageType osType = osPackageType(os);
    List<Vulnerability> vulns = new ArrayList<>();
    List<SecretFinding> secrets = new ArrayList<>();
    List<Misconfiguration> misconfigs = new ArrayList<>();
    for (Finding f : spec.getFindings()) {
      Severity severity = f.getSeverity() == null ? Severity.Unknown : f.getSeverity();
      String type = f.getType() == null ? "vulnerability" : f.getType();
      switch (type) {
        case "secret" -> {
          // "path:line", as ReportToSpec writes it: the path alone, for secrets.allow path globs
          String where = f.getLocation() == null ? "" : f.getLocation();
          java.util.regex.Matcher m = PATH_AND_LINE.matcher(where);
          boolean split = m.matches();
          secrets.add(
              new SecretFinding(
                  f.getId(),
                  f.getId(),
                  severity,
                  new Location(null, split ? m.group(1) : where),
                  split ? Integer.parseInt(m.group(2)) : 0,
                  "",
                  f.getFingerprint()));
        }
        case "config" ->
            misconfigs.add(new Misconfiguration(f.getId(), severity, f.getId(), f.getLocation()));
        case "vulnerability" -> {
          if (f.getPackageName() == null) {
            continue;
          }
          Package pkg =
              new Package(
                  osType,
                  f.getPackageName(),
                  f.getInstalledVersion() == null ? "" : f.getInstalledVersion(),
                  null,
                  null,
                  null,
                  null,
                  f.getLocation() == null ? null : new Location(null, f.getLocation()),
                  null);
          vulns.add(
              new Vulnerability(
                  f.getId(),
                  f.getAliases(),
                  pkg,
                  f.getFixedVersion() == null ? List.of() : List.of(f.getFixedVersion()),
                  null,
                  severity,
                  f.getCvss(),
                  null,
                  instant(f.getPublished()),
                  null,
                  Boolean.TRUE.equals(f.getKnownExploited()),
                  null,
                  null,
                  Reachability.of(f.getReachable())));
        }
        default -> {
          // "package" findings are verdicts of deny rules, recomputed by the engine.
        }
      }
    }
    ScannerMetadata metadata =
        new ScannerMetadata(
            spec.getScanner() == null ? null : spec.getScanner().getVersion(),
            spec.getScanner() == null ? null : spec.getScanner().getDatabaseVersion(),
            spec.getScanner() == null ? null : instant(spec.getScanner().getDatabaseBuilt()),
            instant(spec.getScannedAt()));
    return new ScanReport(facts, os, List.of(), vulns, secrets, misconfigs, List.of(), metadata);
  }

  /**
   * The package type of the OS's package manager. The spec's excerpt does not say which package
   * manager a finding's package belongs to, so it is taken from the OS family (DEB when unknown:
   * the type only matters for ecosystem-scoped rules, which need the stored inventory anyway).
   */
  static PackageType osPackageType(OperatingSystem os) {
    if (os == null || os.family() == null) {
      return PackageType.DEB;
    }
    return switch (os.family()) {
      case "alpine", "wolfi", "chainguard" -> PackageType.APK;
      case "rhel",
          "centos",
          "rocky",
          "almalinux",
          "fedora",
          "amzn",
          "ol",
          "opensuse",
          "sles",
          "azurelinux",
          "mariner" ->
          PackageType.RPM;
      default -> PackageType.DEB;
    };
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
