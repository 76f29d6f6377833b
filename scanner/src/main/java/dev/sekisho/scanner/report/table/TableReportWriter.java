package dev.sekisho.scanner.report.table;

import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.ExceptionUse;
import dev.sekisho.scanner.policy.PolicyResult;
import dev.sekisho.scanner.policy.PolicyViolation;
import dev.sekisho.scanner.report.FindingCounts;
import dev.sekisho.scanner.report.FindingOrder;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The terminal report: a header naming the image, vulnerabilities grouped by severity (most severe
 * first) with installed and fixed versions, secrets (redacted), misconfigurations, the policy
 * verdict with its violations, and warnings.
 */
public final class TableReportWriter implements ReportWriter {
  private static final int MAX_TITLE = 70;
  private final Ansi ansi;

  public TableReportWriter(ReportOptions options) {
    this.ansi = new Ansi(options.color());
  }

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    out.write(render(input).getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The report as text. */
  public String render(ReportInput input) {
    ScanReport report = input.report();
    StringBuilder b = new StringBuilder();
    header(report, b);
    vulnerabilities(input, b);
    secrets(input, b);
    misconfigurations(report, b);
    warnings(report, b);
    policy(input, b);
    return b.toString();
  }

  private void header(ScanReport report, StringBuilder b) {
    ImageFacts image = report.image();
    String name = image == null || image.reference() == null ? "(unnamed)" : image.reference();
    b.append(ansi.bold(name));
    if (image != null && image.digest() != null) {
      b.append(" @ ").append(image.digest());
    }
    b.append('\n');
    StringBuilder facts = new StringBuilder();
    if (report.os() != null) {
      facts
          .append("os: ")
          .append(
              report.os().prettyName() != null
                  ? report.os().prettyName()
                  : report.os().family() + " " + nullToEmpty(report.os().version()));
    }
    if (image != null && image.platform() != null) {
      facts.append(facts.isEmpty() ? "" : "  ").append("platform: ").append(image.platform());
    }
    if (image != null && image.baseImageName() != null) {
      facts.append(facts.isEmpty() ? "" : "  ").append("base: ").append(image.baseImageName());
    }
    if (!facts.isEmpty()) {
      b.append(facts).append('\n');
    }
    FindingCounts c = FindingCounts.of(report);
    b.append("packages: ")
        .append(c.packages())
        .append("  vulnerabilities: ")
        .append(c.vulnerabilities());
    if (c.vulnerabilities() > 0) {
      b.append(" (");
      boolean first = true;
      for (Severity s : Severity.values()) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        b.append(ansi.wrap(c.count(s) > 0 ? ansi.colour(s) : "", lower(s) + " " + c.count(s)));
      }
      b.append(")");
    }
    b.append("  fixable: ").append(c.fixable());
    if (c.knownExploited() > 0) {
      b.append("  known-exploited: ").append(ansi.wrap(Ansi.BRIGHT_RED, "" + c.knownExploited()));
    }
    b.append("  secrets: ")
        .append(c.secrets())
        .append("  misconfigurations: ")
        .append(c.misconfigurations())
        .append('\n');
    if (report.metadata() != null && report.metadata().databaseVersion() != null) {
      b.append(
          ansi.wrap(
              Ansi.GREY,
              "database: "
                  + report.metadata().databaseVersion()
                  + (report.metadata().databaseBuilt() != null
                      ? " (built " + report.metadata().databaseBuilt() + ")"
                      : "")));
      b.append('\n');
    }
  }

  private void vulnerabilities(ReportInput input, StringBuilder b) {
    ScanReport report = input.report();
    List<Vulnerability> sorted =
        report.vulnerabilities().stream().sorted(FindingOrder.VULNERABILITIES).toList();
    for (Severity s : Severity.values()) {
      List<Vulnerability> group = sorted.stream().filter(v -> v.severity() == s).toList();
      if (group.isEmpty()) {
        continue;
      }
      b.append('\n')
          .append(
              ansi.wrap(
                  ansi.colour(s), s.name().toUpperCase(Locale.ROOT) + " (" + group.size() + ")"))
          .append('\n');
      TextTable t = new TextTable("ID", "PACKAGE", "INSTALLED", "FIXED", "CVSS", "TITLE");
      for (Vulnerability v : group) {
        t.row(
            "",
            v.id()
                + (v.knownExploited() ? " [KEV]" : "")
                + reachability(v)
                + (v.epss() == null
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        " [EPSS %.3f p%.0f]",
                        v.epss().score(),
                        v.epss().percentile() * 100))
                + input
                    .exceptionFor(v)
                    .map(x -> x.isVex() ? " [VEX " + x.vex().status().id() + "]" : " [excepted]")
                    .orElse(""),
            v.pkg().name(),
            v.pkg().version(),
            v.fixable() ? String.join(", ", v.fixedVersions()) : fixStateText(v),
            v.cvssScore() == null ? "" : String.format(Locale.ROOT, "%.1f", v.cvssScore()),
            truncate(v.summary()));
      }
      t.render(b, "  ", ansi);
    }
  }

  private void secrets(ReportInput input, StringBuilder b) {
    ScanReport report = input.report();
    if (report.secrets().isEmpty()) {
      return;
    }
    b.append('\n').append(ansi.bold("SECRETS (" + report.secrets().size() + ")")).append('\n');
    TextTable t =
        new TextTable("SEVERITY", "RULE", "FILE", "LINE", "MATCH (REDACTED)", "FINGERPRINT");
    for (SecretFinding s : report.secrets().stream().sorted(FindingOrder.SECRETS).toList()) {
      t.row(
          ansi.colour(s.severity()),
          s.severity().name(),
          s.ruleId() + (input.exceptionFor(s).isPresent() ? " [allowed]" : ""),
          s.location().toString(),
          String.valueOf(s.line()),
          s.redacted(),
          s.fingerprint() == null ? "" : s.fingerprint());
    }
    t.render(b, "  ", ansi);
  }

  private void misconfigurations(ScanReport report, StringBuilder b) {
    if (report.misconfigurations().isEmpty()) {
      return;
    }
    b.append('\n')
        .append(ansi.bold("MISCONFIGURATIONS (" + report.misconfigurations().size() + ")"))
        .append('\n');
    TextTable t = new TextTable("SEVERITY", "CHECK", "TITLE", "DETAIL");
    for (Misconfiguration m :
        report.misconfigurations().stream().sorted(FindingOrder.MISCONFIGURATIONS).toList()) {
      t.row(ansi.colour(m.severity()), m.severity().name(), m.checkId(), m.title(), m.detail());
    }
    t.render(b, "  ", ansi);
  }

  private void warnings(ScanReport report, StringBuilder b) {
    if (report.warnings().isEmpty()) {
      return;
    }
    b.append('\n').append(ansi.bold("WARNINGS (" + report.warnings().size() + ")")).append('\n');
    for (ScanWarning w : report.warnings()) {
      b.append("  ").append(ansi.wrap(Ansi.YELLOW, "! ")).append(w).append('\n');
    }
  }

  private void policy(ReportInput input, StringBuilder b) {
    Evaluation e = input.evaluation();
    if (e == null) {
      return;
    }
    b.append('\n')
        .append(ansi.bold("POLICY: "))
        .append(ansi.wrap(ansi.colour(e.verdict()), e.verdict().name().toUpperCase(Locale.ROOT)));
    if (e.decidingPolicy() != null) {
      b.append(" (").append(e.decidingPolicy()).append(")");
    }
    b.append('\n');
    for (PolicyResult r : e.policies()) {
      b.append("  ")
          .append(r.policy().displayName())
          .append(": ")
          .append(r.verdict())
          .append(", ")
          .append(r.violations())
          .append(r.violations() == 1 ? " violation" : " violations");
      if (r.excepted() > 0) {
        b.append(", ").append(r.excepted()).append(" excepted");
      }
      b.append('\n');
    }
    if (!e.violations().isEmpty()) {
      TextTable t = new TextTable("POLICY", "RULE", "FINDING", "PACKAGE", "MESSAGE");
      for (PolicyViolation v : e.violations()) {
        t.row(
            v.action() == PolicyAction.Warn ? Ansi.YELLOW : "",
            v.policy(),
            v.rule(),
            v.findingId(),
            v.packageName(),
            v.message());
      }
      b.append('\n');
      t.render(b, "  ", ansi);
    }
    for (ExceptionUse x : e.exceptions()) {
      b.append("  ")
          .append(
              x.isVex()
                  ? "VEX "
                  : x.expired() ? ansi.wrap(Ansi.YELLOW, "expired exception ") : "exception ")
          .append(x.exceptionId())
          .append(" (")
          .append(x.policy())
          .append(x.expires() == null ? "" : ", expires " + x.expires())
          .append("): ")
          .append(x.reason())
          .append('\n');
    }
  }

  /** " [unreachable]" and the like for Go findings of binaries; empty for other findings. */
  static String reachability(Vulnerability v) {
    if (v.reachability() == null) {
      return "";
    }
    return switch (v.reachability()) {
      case REACHABLE -> " [reachable]";
      case UNREACHABLE -> " [unreachable]";
      case UNKNOWN -> " [reachable?]";
    };
  }

  private static String fixStateText(Vulnerability v) {
    return switch (v.fixState()) {
      case WONT_FIX -> "(won't fix)";
      case NOT_FIXED -> "(no fix yet)";
      case NOT_AFFECTED -> "(not affected)";
      case FIXED, UNKNOWN -> "";
    };
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_TITLE ? oneLine : oneLine.substring(0, MAX_TITLE - 1) + "…";
  }

  private static String lower(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
