package dev.sekisho.scanner.report.html;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.Package;
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
import dev.sekisho.scanner.report.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report: inline CSS and SVG only, no script, no external resource (it can be
 * archived and opened offline). It shows the policy verdict and violations, a severity bar chart,
 * every finding, and a per-layer view of packages and findings.
 */
public final class HtmlReportWriter implements ReportWriter {
  private static final String UNKNOWN_LAYER = "";

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;}
      h1{font-size:1.4rem;margin-bottom:.2rem;word-break:break-all}
      h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
      table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
      th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
      th{background:#f6f8fa}
      code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;word-break:break-all}
      .meta{color:#57606a;font-size:.85rem}
      .sev{font-weight:600;padding:0 .4rem;border-radius:.3rem;color:#fff}
      .Critical{background:#8b0000}.High{background:#d1242f}.Medium{background:#bf8700}
      .Low{background:#0969da}.Unknown{background:#6e7781}
      .verdict{display:inline-block;font-size:1.1rem;font-weight:700;padding:.2rem .8rem;border-radius:.4rem;color:#fff}
      .Pass{background:#1a7f37}.Warn{background:#bf8700}.Fail,.Error{background:#cf222e}
      details{margin:.3rem 0}summary{cursor:pointer}
      .excepted{color:#57606a;font-style:italic}
      """;

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    out.write(render(input).getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The whole HTML document. */
  public String render(ReportInput input) {
    ScanReport report = input.report();
    ImageFacts image = report.image();
    String title = image == null || image.reference() == null ? "scan" : image.reference();
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Sekisho report: ")
        .append(esc(title))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    header(report, title, b);
    policy(input, b);
    chart(FindingCounts.of(report), b);
    vulnerabilities(input, b);
    secrets(input, b);
    misconfigurations(report, b);
    layers(input, b);
    warnings(report, b);
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static void header(ScanReport report, String title, StringBuilder b) {
    ImageFacts image = report.image();
    b.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">");
    List<String> facts = new ArrayList<>();
    if (image != null && image.digest() != null) {
      facts.add("digest <code>" + esc(image.digest()) + "</code>");
    }
    if (image != null && image.platform() != null) {
      facts.add("platform " + esc(image.platform()));
    }
    if (report.os() != null) {
      facts.add(
          "os "
              + esc(
                  report.os().prettyName() != null
                      ? report.os().prettyName()
                      : report.os().family() + " " + report.os().version()));
    }
    if (image != null && image.baseImageName() != null) {
      facts.add("base image " + esc(image.baseImageName()));
    }
    if (report.metadata() != null) {
      if (report.metadata().scannerVersion() != null) {
        facts.add("sekisho " + esc(report.metadata().scannerVersion()));
      }
      if (report.metadata().databaseVersion() != null) {
        facts.add("database " + esc(report.metadata().databaseVersion()));
      }
      if (report.metadata().scannedAt() != null) {
        facts.add("scanned " + esc(report.metadata().scannedAt().toString()));
      }
    }
    b.append(String.join(" · ", facts)).append("</p>\n");
  }

  private static void policy(ReportInput input, StringBuilder b) {
    Evaluation e = input.evaluation();
    if (e == null) {
      return;
    }
    b.append("<h2>Policy verdict</h2>\n<p><span class=\"verdict ")
        .append(e.verdict().name())
        .append("\">")
        .append(e.verdict().name())
        .append("</span>");
    if (e.decidingPolicy() != null) {
      b.append(" decided by <code>").append(esc(e.decidingPolicy())).append("</code>");
    }
    b.append("</p>\n");
    if (!e.policies().isEmpty()) {
      b.append(
          "<table><thead><tr><th>Policy</th><th>Verdict</th><th>Violations</th><th>Excepted</th>"
              + "</tr></thead><tbody>\n");
      for (PolicyResult r : e.policies()) {
        b.append("<tr><td><code>")
            .append(esc(r.policy().displayName()))
            .append("</code></td><td>")
            .append(r.verdict())
            .append("</td><td>")
            .append(r.violations())
            .append("</td><td>")
            .append(r.excepted())
            .append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    if (!e.violations().isEmpty()) {
      b.append("<h3>Violations (").append(e.violations().size()).append(")</h3>\n");
      b.append(
          "<table><thead><tr><th>Policy</th><th>Rule</th><th>Finding</th><th>Package</th>"
              + "<th>Message</th></tr></thead><tbody>\n");
      for (PolicyViolation v : e.violations()) {
        b.append("<tr><td><code>")
            .append(esc(v.policy()))
            .append("</code>")
            .append(v.action() == null ? "" : " (" + v.action() + ")")
            .append("</td><td><code>")
            .append(esc(v.rule()))
            .append("</code></td><td>")
            .append(esc(v.findingId()))
            .append("</td><td>")
            .append(esc(v.packageName()))
            .append("</td><td>")
            .append(esc(v.message()))
            .append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    if (!e.exceptions().isEmpty()) {
      b.append("<h3>Exceptions</h3>\n<ul>\n");
      for (ExceptionUse x : e.exceptions()) {
        b.append("<li class=\"excepted\">")
            .append(x.expired() ? "expired: " : "")
            .append("<code>")
            .append(esc(x.exceptionId()))
            .append("</code> (")
            .append(esc(x.policy()))
            .append(x.expires() == null ? "" : ", expires " + esc(x.expires().toString()))
            .append("): ")
            .append(esc(x.reason()))
            .append("</li>\n");
      }
      b.append("</ul>\n");
    }
  }

  /** A horizontal bar per severity, widths relative to the largest count. */
  private static void chart(FindingCounts counts, StringBuilder b) {
    b.append("<h2>Vulnerabilities by severity</h2>\n");
    int max = 1;
    for (Severity s : Severity.values()) {
      max = Math.max(max, counts.count(s));
    }
    int rowHeight = 26;
    int labelWidth = 90;
    int barMax = 400;
    int height = rowHeight * Severity.values().length + 4;
    b.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"vulnerabilities by severity\" width=\"")
        .append(labelWidth + barMax + 60)
        .append("\" height=\"")
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
    int y = 2;
    for (Severity s : Severity.values()) {
      int n = counts.count(s);
      int w = n == 0 ? 0 : Math.max(2, (int) Math.round((double) n * barMax / max));
      b.append("<text x=\"0\" y=\"")
          .append(y + 17)
          .append("\">")
          .append(s.name())
          .append("</text>");
      b.append("<rect x=\"")
          .append(labelWidth)
          .append("\" y=\"")
          .append(y + 3)
          .append("\" width=\"")
          .append(w)
          .append("\" height=\"")
          .append(rowHeight - 8)
          .append("\" fill=\"")
          .append(colour(s))
          .append("\"><title>")
          .append(s.name())
          .append(": ")
          .append(n)
          .append("</title></rect>");
      b.append("<text x=\"")
          .append(labelWidth + w + 6)
          .append("\" y=\"")
          .append(y + 17)
          .append("\">")
          .append(n)
          .append("</text>\n");
      y += rowHeight;
    }
    b.append("</svg>\n<p class=\"meta\">packages ")
        .append(counts.packages())
        .append(" · fixable ")
        .append(counts.fixable())
        .append(" · known exploited ")
        .append(counts.knownExploited())
        .append(" · secrets ")
        .append(counts.secrets())
        .append(" · misconfigurations ")
        .append(counts.misconfigurations())
        .append("</p>\n");
  }

  private static void vulnerabilities(ReportInput input, StringBuilder b) {
    ScanReport report = input.report();
    b.append("<h2>Vulnerabilities (").append(report.vulnerabilities().size()).append(")</h2>\n");
    if (report.vulnerabilities().isEmpty()) {
      b.append("<p>None found.</p>\n");
      return;
    }
    vulnerabilityTable(
        report.vulnerabilities().stream().sorted(FindingOrder.VULNERABILITIES).toList(), input, b);
  }

  private static void vulnerabilityTable(
      List<Vulnerability> vulns, ReportInput input, StringBuilder b) {
    b.append(
        "<table><thead><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed</th>"
            + "<th>Fixed</th><th>CVSS</th><th>Title</th></tr></thead><tbody>\n");
    for (Vulnerability v : vulns) {
      b.append("<tr><td>")
          .append(severity(v.severity()))
          .append("</td><td>")
          .append(link(v.id(), v.references().isEmpty() ? null : v.references().get(0)));
      if (v.knownExploited()) {
        b.append(" <strong>KEV</strong>");
      }
      if (v.reachability() != null) {
        b.append(" <span class=\"meta\">reachable: ")
            .append(esc(v.reachability().label()))
            .append("</span>");
      }
      if (v.epss() != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "<br><span class=\"meta\">EPSS %.3f (percentile %.1f%%)</span>",
                v.epss().score(),
                v.epss().percentile() * 100));
      }
      input
          .exceptionFor(v)
          .ifPresent(
              x ->
                  b.append("<br><span class=\"excepted\">")
                      .append(x.isVex() ? "VEX " : "excepted: ")
                      .append(esc(x.reason()))
                      .append("</span>"));
      if (!v.aliases().isEmpty()) {
        b.append("<br><span class=\"meta\">")
            .append(esc(String.join(", ", v.aliases())))
            .append("</span>");
      }
      b.append("</td><td>")
          .append(esc(v.pkg().name()))
          .append("</td><td><code>")
          .append(esc(v.pkg().version()))
          .append("</code></td><td><code>")
          .append(esc(String.join(", ", v.fixedVersions())))
          .append("</code></td><td>")
          .append(v.cvssScore() == null ? "" : String.format(Locale.ROOT, "%.1f", v.cvssScore()))
          .append("</td><td>")
          .append(esc(v.summary() == null ? "" : v.summary()))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  private static void secrets(ReportInput input, StringBuilder b) {
    ScanReport report = input.report();
    b.append("<h2>Secrets (").append(report.secrets().size()).append(")</h2>\n");
    if (report.secrets().isEmpty()) {
      b.append("<p>None found.</p>\n");
      return;
    }
    b.append(
        "<table><thead><tr><th>Severity</th><th>Rule</th><th>File</th><th>Line</th>"
            + "<th>Match (redacted)</th><th>Fingerprint</th></tr></thead><tbody>\n");
    for (SecretFinding s : report.secrets().stream().sorted(FindingOrder.SECRETS).toList()) {
      b.append("<tr><td>")
          .append(severity(s.severity()))
          .append("</td><td>")
          .append(esc(s.ruleId()))
          .append(
              input.exceptionFor(s).isPresent() ? " <span class=\"excepted\">allowed</span>" : "")
          .append("</td><td><code>")
          .append(esc(s.location().toString()))
          .append("</code></td><td>")
          .append(s.line())
          .append("</td><td><code>")
          .append(esc(s.redacted()))
          .append("</code></td><td><code>")
          .append(s.fingerprint() == null ? "" : esc(s.fingerprint()))
          .append("</code></td></tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  private static void misconfigurations(ScanReport report, StringBuilder b) {
    b.append("<h2>Misconfigurations (")
        .append(report.misconfigurations().size())
        .append(")</h2>\n");
    if (report.misconfigurations().isEmpty()) {
      b.append("<p>None found.</p>\n");
      return;
    }
    b.append(
        "<table><thead><tr><th>Severity</th><th>Check</th><th>Title</th><th>Detail</th></tr>"
            + "</thead><tbody>\n");
    for (Misconfiguration m :
        report.misconfigurations().stream().sorted(FindingOrder.MISCONFIGURATIONS).toList()) {
      b.append("<tr><td>")
          .append(severity(m.severity()))
          .append("</td><td><code>")
          .append(esc(m.checkId()))
          .append("</code></td><td>")
          .append(esc(m.title()))
          .append("</td><td>")
          .append(esc(m.detail()))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  /** Packages, vulnerabilities and secrets grouped by the layer that holds them, bottom-up. */
  private static void layers(ReportInput input, StringBuilder b) {
    ScanReport report = input.report();
    ImageFacts image = report.image();
    Map<String, LayerView> views = new LinkedHashMap<>();
    if (image != null) {
      int i = 0;
      for (LayerInfo l : image.layers()) {
        views.put(l.digest(), new LayerView(i++, l));
      }
    }
    for (Package p : report.packages()) {
      view(views, p.location()).packages.add(p);
    }
    for (Vulnerability v : report.vulnerabilities()) {
      view(views, v.pkg().location()).vulnerabilities.add(v);
    }
    for (SecretFinding s : report.secrets()) {
      view(views, s.location()).secrets.add(s);
    }
    b.append("<h2>Layers (").append(image == null ? 0 : image.layers().size()).append(")</h2>\n");
    b.append(
        "<table><thead><tr><th>#</th><th>Layer</th><th>Created by</th><th>Size</th>"
            + "<th>Packages</th><th>Vulnerabilities</th><th>Secrets</th></tr></thead><tbody>\n");
    for (LayerView v : views.values()) {
      b.append("<tr><td>")
          .append(v.index < 0 ? "" : v.index)
          .append("</td><td><code>")
          .append(v.layer == null ? "(no layer)" : esc(shortDigest(v.layer.digest())))
          .append("</code></td><td><code>")
          .append(v.layer == null || v.layer.createdBy() == null ? "" : esc(v.layer.createdBy()))
          .append("</code></td><td>")
          .append(v.layer == null ? "" : humanSize(v.layer.size()))
          .append("</td><td>")
          .append(v.packages.size())
          .append("</td><td>")
          .append(v.vulnerabilities.size())
          .append("</td><td>")
          .append(v.secrets.size())
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    for (LayerView v : views.values()) {
      if (v.packages.isEmpty() && v.vulnerabilities.isEmpty() && v.secrets.isEmpty()) {
        continue;
      }
      b.append("<details><summary>")
          .append(
              v.layer == null
                  ? "Without layer"
                  : "Layer " + v.index + " <code>" + esc(shortDigest(v.layer.digest())) + "</code>")
          .append(": ")
          .append(v.packages.size())
          .append(" packages, ")
          .append(v.vulnerabilities.size())
          .append(" vulnerabilities, ")
          .append(v.secrets.size())
          .append(" secrets</summary>\n");
      if (!v.vulnerabilities.isEmpty()) {
        vulnerabilityTable(
            v.vulnerabilities.stream().sorted(FindingOrder.VULNERABILITIES).toList(), input, b);
      }
      if (!v.packages.isEmpty()) {
        b.append(
            "<table><thead><tr><th>Package</th><th>Version</th><th>Type</th><th>Path</th></tr></thead><tbody>\n");
        for (Package p :
            v.packages.stream()
                .sorted(Comparator.comparing(Package::name).thenComparing(Package::version))
                .toList()) {
          b.append("<tr><td>")
              .append(esc(p.name()))
              .append("</td><td><code>")
              .append(esc(p.version()))
              .append("</code></td><td>")
              .append(esc(p.type().purlType()))
              .append("</td><td><code>")
              .append(p.location() == null ? "" : esc(p.location().path()))
              .append("</code></td></tr>\n");
        }
        b.append("</tbody></table>\n");
      }
      if (!v.secrets.isEmpty()) {
        b.append("<ul>\n");
        for (SecretFinding s : v.secrets) {
          b.append("<li>")
              .append(esc(s.ruleId()))
              .append(" in <code>")
              .append(esc(s.location().path()))
              .append("</code> line ")
              .append(s.line())
              .append(": <code>")
              .append(esc(s.redacted()))
              .append("</code></li>\n");
        }
        b.append("</ul>\n");
      }
      b.append("</details>\n");
    }
  }

  private static LayerView view(Map<String, LayerView> views, Location location) {
    String key =
        location == null || location.layerDigest() == null ? UNKNOWN_LAYER : location.layerDigest();
    return views.computeIfAbsent(key, k -> new LayerView(-1, null));
  }

  private static void warnings(ScanReport report, StringBuilder b) {
    if (report.warnings().isEmpty()) {
      return;
    }
    b.append("<h2>Warnings (").append(report.warnings().size()).append(")</h2>\n<ul>\n");
    for (ScanWarning w : report.warnings()) {
      b.append("<li>").append(esc(w.toString())).append("</li>\n");
    }
    b.append("</ul>\n");
  }

  private static final class LayerView {
    final int index;
    final LayerInfo layer;
    final List<Package> packages = new ArrayList<>();
    final List<Vulnerability> vulnerabilities = new ArrayList<>();
    final List<SecretFinding> secrets = new ArrayList<>();

    LayerView(int index, LayerInfo layer) {
      this.index = index;
      this.layer = layer;
    }
  }

  static String severity(Severity s) {
    return "<span class=\"sev " + s.name() + "\">" + s.name() + "</span>";
  }

  private static String link(String text, String href) {
    if (href == null || !(href.startsWith("https://") || href.startsWith("http://"))) {
      return esc(text);
    }
    return "<a href=\"" + esc(href) + "\" rel=\"noreferrer\">" + esc(text) + "</a>";
  }

  private static String colour(Severity s) {
    return switch (s) {
      case Critical -> "#8b0000";
      case High -> "#d1242f";
      case Medium -> "#bf8700";
      case Low -> "#0969da";
      case Unknown -> "#6e7781";
    };
  }

  private static String shortDigest(String digest) {
    if (digest == null) {
      return "";
    }
    int colon = digest.indexOf(':');
    return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }

  private static String humanSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** HTML-escapes text for element content and attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
