package dev.sekisho.scanner.report.sarif;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.cvss.Cvss;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.report.FindingOrder;
import dev.sekisho.scanner.report.ReportInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a scan to SARIF 2.1.0: one rule per vulnerability id, secret rule and image check; one
 * result per finding, located at the file in the image that holds the package or secret. Severity
 * goes to {@code level} and to the {@code security-severity} property code-scanning tools sort by.
 */
public final class SarifReportMapper {
  static final String INFORMATION_URI = "https://sekisho.dev";

  private final List<SarifLog.ReportingDescriptor> rules = new ArrayList<>();
  private final Map<String, Integer> ruleIndex = new LinkedHashMap<>();
  private final List<SarifLog.Result> results = new ArrayList<>();
  private final ReportInput input;

  private SarifReportMapper(ReportInput input) {
    this.input = input;
  }

  /** The SARIF log of {@code input}. */
  public static SarifLog toModel(ReportInput input) {
    return new SarifReportMapper(input).map();
  }

  private SarifLog map() {
    ScanReport report = input.report();
    String target = targetUri(report.image());
    for (Vulnerability v :
        report.vulnerabilities().stream().sorted(FindingOrder.VULNERABILITIES).toList()) {
      addVulnerability(v, target);
    }
    for (SecretFinding s : report.secrets().stream().sorted(FindingOrder.SECRETS).toList()) {
      addSecret(s);
    }
    for (Misconfiguration m :
        report.misconfigurations().stream().sorted(FindingOrder.MISCONFIGURATIONS).toList()) {
      addMisconfiguration(m, target);
    }
    String version = report.metadata() == null ? null : report.metadata().scannerVersion();
    Map<String, Object> runProperties = new LinkedHashMap<>();
    if (input.evaluation() != null) {
      runProperties.put("policyVerdict", input.evaluation().verdict().name());
      putIfNotNull(runProperties, "decidingPolicy", input.evaluation().decidingPolicy());
      runProperties.put("policyViolations", input.evaluation().violations().size());
    }
    if (report.image() != null) {
      putIfNotNull(runProperties, "imageReference", report.image().reference());
      putIfNotNull(runProperties, "imageDigest", report.image().digest());
      putIfNotNull(runProperties, "platform", report.image().platform());
    }
    return new SarifLog(
        SarifLog.SCHEMA_URI,
        SarifLog.VERSION,
        List.of(
            new SarifLog.Run(
                new SarifLog.Tool(
                    new SarifLog.ToolComponent(
                        "sekisho", version, semanticVersion(version), INFORMATION_URI, rules)),
                results,
                null,
                runProperties)));
  }

  private void addVulnerability(Vulnerability v, String target) {
    Package p = v.pkg();
    String title =
        v.summary() == null || v.summary().isBlank() ? v.id() + " in " + p.name() : v.summary();
    int index =
        rule(
            v.id(),
            title,
            v.id() + ": " + title,
            v.references().isEmpty() ? null : v.references().get(0),
            vulnerabilityHelp(v),
            v.severity(),
            securityScore(v.cvssVector(), v.cvssScore()),
            List.of("vulnerability", "security", v.severity().name().toLowerCase(Locale.ROOT)));
    StringBuilder text = new StringBuilder();
    text.append("Package: ")
        .append(p.name())
        .append("\nInstalled version: ")
        .append(p.version())
        .append("\nVulnerability: ")
        .append(v.id())
        .append("\nSeverity: ")
        .append(v.severity());
    text.append("\nFixed version: ")
        .append(v.fixable() ? String.join(", ", v.fixedVersions()) : "none");
    if (p.location() != null && p.location().layerDigest() != null) {
      text.append("\nLayer: ").append(p.location().layerDigest());
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("packageName", p.name());
    props.put("installedVersion", p.version());
    putIfNotNull(props, "purl", p.purl());
    if (v.fixable()) {
      props.put("fixedVersions", v.fixedVersions());
    }
    if (v.epss() != null) {
      props.put("epss", v.epss().score());
      props.put("epssPercentile", v.epss().percentile());
    }
    if (v.knownExploited()) {
      props.put("knownExploited", true);
    }
    if (v.reachability() != null) {
      props.put("reachable", v.reachability().label());
      text.append("\nReachable: ").append(v.reachability().label());
    }
    results.add(
        new SarifLog.Result(
            v.id(),
            index,
            level(v.severity()),
            new SarifLog.Message(text.toString()),
            List.of(location(p.location(), target, 0)),
            Map.of("packageId", v.id() + "/" + p.name() + "@" + p.version()),
            suppressions(input.exceptionFor(v)),
            props));
  }

  private void addSecret(SecretFinding s) {
    int index =
        rule(
            s.ruleId(),
            s.title(),
            "Secret: " + s.title(),
            null,
            "A secret matching rule "
                + s.ruleId()
                + " was found in the image's files. Remove it"
                + " from the image and rotate it.",
            s.severity(),
            null,
            List.of("secret", "security", s.severity().name().toLowerCase(Locale.ROOT)));
    String text =
        "Secret "
            + s.title()
            + " ("
            + s.ruleId()
            + ") in "
            + s.location()
            + " line "
            + s.line()
            + ": "
            + s.redacted();
    results.add(
        new SarifLog.Result(
            s.ruleId(),
            index,
            level(s.severity()),
            new SarifLog.Message(text),
            List.of(location(s.location(), null, s.line())),
            // GitHub code scanning keys alerts by partialFingerprints: the same secret in the same
            // file stays one alert when lines shift or the file moves to another layer
            s.fingerprint() == null ? Map.of() : Map.of("secretFingerprint/v1", s.fingerprint()),
            suppressions(input.exceptionFor(s)),
            Map.of()));
  }

  private void addMisconfiguration(Misconfiguration m, String target) {
    int index =
        rule(
            m.checkId(),
            m.title(),
            m.title(),
            null,
            m.title(),
            m.severity(),
            null,
            List.of("misconfiguration", "security", m.severity().name().toLowerCase(Locale.ROOT)));
    results.add(
        new SarifLog.Result(
            m.checkId(),
            index,
            level(m.severity()),
            new SarifLog.Message(m.title() + ": " + m.detail()),
            List.of(location(null, target, 0)),
            Map.of(),
            suppressions(input.exceptionFor(m.checkId(), List.of())),
            Map.of()));
  }

  /**
   * An unexpired policy exception becomes an accepted external suppression; a VEX statement an
   * accepted external one whose justification is the statement's status, justification, impact
   * statement and document.
   */
  private static List<SarifLog.Suppression> suppressions(Optional<ExceptionUse> exception) {
    return exception
        .map(
            x ->
                List.of(
                    new SarifLog.Suppression(
                        "external",
                        "accepted",
                        x.isVex()
                            ? x.reason()
                            : x.reason()
                                + " ("
                                + x.policy()
                                + (x.expires() == null ? "" : ", expires " + x.expires())
                                + ")")))
        .orElse(List.of());
  }

  private int rule(
      String id,
      String name,
      String description,
      String helpUri,
      String help,
      Severity severity,
      Double cvss,
      List<String> tags) {
    Integer existing = ruleIndex.get(id);
    if (existing != null) {
      return existing;
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("tags", tags);
    props.put("precision", "very-high");
    props.put("security-severity", securitySeverity(severity, cvss));
    rules.add(
        new SarifLog.ReportingDescriptor(
            id,
            ruleName(name),
            new SarifLog.Message(name),
            new SarifLog.Message(description),
            helpUri,
            new SarifLog.MultiformatMessage(help, null),
            new SarifLog.Configuration(level(severity)),
            props));
    ruleIndex.put(id, rules.size() - 1);
    return rules.size() - 1;
  }

  private static String vulnerabilityHelp(Vulnerability v) {
    StringBuilder help = new StringBuilder();
    help.append("Vulnerability ").append(v.id());
    if (!v.aliases().isEmpty()) {
      help.append(" (").append(String.join(", ", v.aliases())).append(")");
    }
    help.append("\nSeverity: ").append(v.severity());
    if (v.cvssScore() != null) {
      help.append("\nCVSS: ").append(v.cvssScore());
      if (v.cvssVector() != null) {
        help.append(" ").append(v.cvssVector());
      }
    }
    if (v.summary() != null) {
      help.append("\n").append(v.summary());
    }
    for (String ref : v.references()) {
      help.append("\n").append(ref);
    }
    return help.toString();
  }

  /** A rule name is a PascalCase-ish identifier in SARIF; keep letters and digits only. */
  private static String ruleName(String title) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : title.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
      if (out.length() >= 80) {
        break;
      }
    }
    return out.isEmpty() ? "Finding" : out.toString();
  }

  static String level(Severity severity) {
    return switch (severity) {
      case Critical, High -> "error";
      case Medium -> "warning";
      case Low, Unknown -> "note";
    };
  }

  /**
   * The CVSS score to give as {@code security-severity}, which code-scanning tools rate with the
   * CVSS v3 bands (9.0 and above critical): a v2 score is on another scale (v2 10.0 is High), so
   * for a v2 vector none, and the finding's severity decides.
   */
  static Double securityScore(String vector, Double score) {
    return vector != null && Cvss.version(vector) == 2 ? null : score;
  }

  static String securitySeverity(Severity severity, Double cvss) {
    if (cvss != null) {
      return String.format(Locale.ROOT, "%.1f", cvss);
    }
    return switch (severity) {
      case Critical -> "9.5";
      case High -> "8.0";
      case Medium -> "5.5";
      case Low -> "2.0";
      case Unknown -> "0.0";
    };
  }

  private static SarifLog.ResultLocation location(Location location, String target, int line) {
    String uri;
    if (location != null) {
      uri = pathUri(location.path());
    } else {
      uri = target;
    }
    return new SarifLog.ResultLocation(
        new SarifLog.PhysicalLocation(
            new SarifLog.ArtifactLocation(uri, null), line > 0 ? new SarifLog.Region(line) : null));
  }

  /** A path in the image as a relative URI reference (no leading slash, percent-encoded). */
  static String pathUri(String path) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    if (relative.isEmpty()) {
      relative = ".";
    }
    try {
      return new URI(null, null, relative, null).toASCIIString();
    } catch (URISyntaxException e) {
      return relative.replaceAll("[^A-Za-z0-9._~/!-]", "_");
    }
  }

  private static String targetUri(ImageFacts image) {
    if (image == null || image.reference() == null) {
      return ".";
    }
    String repo = image.repository() != null ? image.repository() : image.reference();
    return pathUri(repo);
  }

  private static String semanticVersion(String version) {
    if (version == null) {
      return null;
    }
    return version.matches("\\d+\\.\\d+\\.\\d+([-+].*)?") ? version : null;
  }

  private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
