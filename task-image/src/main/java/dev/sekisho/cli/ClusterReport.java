package dev.sekisho.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.FindingSummary;
import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The images in use in a cluster: every ScanResult with the in-use label or {@code
 * status.inUse.pods > 0}, with its verdict and findings at or above a severity, in four formats.
 *
 * @param context the kubeconfig context read (or "in-cluster")
 * @param namespace the namespace read, null for every namespace
 */
record ClusterReport(
    String context, String namespace, Severity minSeverity, Instant generatedAt, List<Row> rows) {

  /** ScanResults read per list request (the API server pages the rest). */
  static final long PAGE = 500;

  /** Findings listed per image in the table. */
  static final int TABLE_FINDINGS = 3;

  /**
   * One image in use.
   *
   * @param counts findings per severity at or above the threshold (from the result's summary, so
   *     complete even where the stored findings are an excerpt)
   * @param findings the stored findings at or above the threshold, most severe first
   */
  record Row(
      String namespace,
      String scanResult,
      String image,
      String digest,
      Verdict verdict,
      String decidingPolicy,
      int pods,
      List<WorkloadUse> workloads,
      Map<Severity, Integer> counts,
      List<Finding> findings) {

    int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    String verdictName() {
      return verdict == null ? "Pending" : verdict.name();
    }

    String workloadList() {
      return workloads.stream()
          .map(w -> w.getKind() + "/" + w.getName())
          .collect(Collectors.joining(" "));
    }
  }

  enum Format {
    TABLE,
    JSON,
    CSV,
    HTML;

    static Format parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserInputException(
            "invalid --format '" + s + "': expected table, json, csv or html");
      }
    }
  }

  /** Reads the report from the cluster. */
  static ClusterReport read(
      KubernetesClient client, String context, String namespace, Severity min, Clock clock) {
    MixedOperation<ScanResult, KubernetesResourceList<ScanResult>, Resource<ScanResult>> results =
        client.resources(ScanResult.class);
    List<Row> rows = new ArrayList<>();
    String next = null;
    try {
      do {
        var options = new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build();
        KubernetesResourceList<ScanResult> page =
            namespace == null
                ? results.inAnyNamespace().list(options)
                : results.inNamespace(namespace).list(options);
        for (ScanResult r : page.getItems()) {
          if (inUse(r)) {
            rows.add(row(r, min));
          }
        }
        next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());
    } catch (KubernetesClientException e) {
      throw new InfrastructureException(explain(e, client, namespace), e);
    }
    rows.sort(
        Comparator.comparing((Row r) -> -strictness(r.verdict()))
            .thenComparing(r -> -r.total())
            .thenComparing(Row::namespace)
            .thenComparing(Row::scanResult));
    return new ClusterReport(context, namespace, min, clock.instant(), List.copyOf(rows));
  }

  private static int strictness(Verdict v) {
    return v == null ? -1 : v.ordinal();
  }

  private static String explain(KubernetesClientException e, KubernetesClient client, String ns) {
    String where = ns == null ? "in any namespace" : "in namespace " + ns;
    if (e.getCode() == 401 || e.getCode() == 403) {
      return "not allowed to list scanresults.sekisho.dev "
          + where
          + " (HTTP "
          + e.getCode()
          + "): the report needs get/list on scanresults, e.g. the sekisho-view role";
    }
    if (e.getCode() == 404) {
      return "the cluster has no scanresults.sekisho.dev resource: is the Sekisho operator"
          + " installed?";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "cannot list scanresults "
        + where
        + " at "
        + client.getMasterUrl()
        + ": "
        + (root.getMessage() != null ? root.getMessage() : root.toString());
  }

  static boolean inUse(ScanResult r) {
    var labels = r.getMetadata().getLabels();
    if (labels != null && "true".equals(labels.get(Constants.LABEL_IN_USE))) {
      return true;
    }
    InUse use = r.getStatus() == null ? null : r.getStatus().getInUse();
    return use != null && use.getPods() != null && use.getPods() > 0;
  }

  static Row row(ScanResult r, Severity min) {
    InUse use = r.getStatus() == null ? null : r.getStatus().getInUse();
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    FindingSummary s = r.getSpec().getSummary();
    for (Severity sev : List.of(Severity.Critical, Severity.High, Severity.Medium, Severity.Low)) {
      if (sev.atLeast(min)) {
        counts.put(sev, count(s, sev));
      }
    }
    List<Finding> findings =
        r.getSpec().getFindings().stream()
            .filter(f -> f.getSeverity() != null && f.getSeverity().atLeast(min))
            .sorted(Comparator.comparing(Finding::getSeverity).thenComparing(Finding::getId))
            .toList();
    if (s == null) {
      // no summary: count what is stored
      for (Finding f : findings) {
        counts.merge(f.getSeverity(), 1, Integer::sum);
      }
    }
    return new Row(
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        r.getSpec().getImage(),
        r.getSpec().getDigest(),
        r.getStatus() == null ? null : r.getStatus().getVerdict(),
        r.getStatus() == null ? null : r.getStatus().getDecidingPolicy(),
        use == null || use.getPods() == null ? 0 : use.getPods(),
        use == null ? List.of() : List.copyOf(use.getWorkloads()),
        counts,
        findings);
  }

  private static int count(FindingSummary s, Severity sev) {
    if (s == null) {
      return 0;
    }
    Integer n =
        switch (sev) {
          case Critical -> s.getCritical();
          case High -> s.getHigh();
          case Medium -> s.getMedium();
          case Low -> s.getLow();
          case Unknown -> s.getUnknown();
        };
    return n == null ? 0 : n;
  }

  /** Images in use whose verdict is Fail. */
  List<Row> failing() {
    return rows.stream().filter(r -> r.verdict() == Verdict.Fail).toList();
  }

  List<Severity> severities() {
    return List.of(Severity.Critical, Severity.High, Severity.Medium, Severity.Low).stream()
        .filter(s -> s.atLeast(minSeverity))
        .toList();
  }

  void write(Format format, Writer out) throws IOException {
    switch (format) {
      case TABLE -> table(new PrintWriter(out));
      case JSON -> json(out);
      case CSV -> csv(out);
      case HTML -> html(out);
    }
    out.flush();
  }

  // --- table ----------------------------------------------------------------------------------

  private void table(PrintWriter out) {
    if (rows.isEmpty()) {
      out.println(
          "No images in use"
              + (namespace == null ? "" : " in namespace " + namespace)
              + " (no ScanResult has status.inUse.pods > 0 or the label "
              + Constants.LABEL_IN_USE
              + "=true).");
      return;
    }
    List<String> header = new ArrayList<>(List.of("NAMESPACE", "IMAGE", "VERDICT", "PODS"));
    severities().forEach(s -> header.add(s.name().toUpperCase(Locale.ROOT)));
    header.add("WORKLOADS");
    header.add("TOP FINDINGS");
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    for (Row r : rows) {
      List<String> line =
          new ArrayList<>(
              List.of(r.namespace(), shortRef(r), r.verdictName(), Integer.toString(r.pods())));
      severities().forEach(s -> line.add(Integer.toString(r.counts().getOrDefault(s, 0))));
      line.add(r.workloadList().isEmpty() ? "-" : r.workloadList());
      String top =
          r.findings().stream()
              .limit(TABLE_FINDINGS)
              .map(Finding::getId)
              .collect(Collectors.joining(" "));
      if (r.findings().size() > TABLE_FINDINGS) {
        top += " +" + (r.findings().size() - TABLE_FINDINGS);
      }
      line.add(top.isEmpty() ? "-" : top);
      lines.add(line);
    }
    int[] width = new int[header.size()];
    for (List<String> l : lines) {
      for (int i = 0; i < l.size(); i++) {
        width[i] = Math.max(width[i], l.get(i).length());
      }
    }
    for (List<String> l : lines) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < l.size(); i++) {
        String cell = l.get(i);
        b.append(cell);
        if (i < l.size() - 1) {
          b.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
    out.println();
    out.println(
        rows.size()
            + " image(s) in use, "
            + failing().size()
            + " failing; findings at "
            + minSeverity
            + " or above.");
  }

  /** The image with a 12-digit digest, as kubectl users read it. */
  private static String shortRef(Row r) {
    if (r.digest() == null || r.image().contains("@")) {
      return r.image();
    }
    String hex = r.digest().substring(r.digest().indexOf(':') + 1);
    return r.image()
        + "@"
        + r.digest().substring(0, r.digest().indexOf(':') + 1)
        + hex.substring(0, Math.min(12, hex.length()));
  }

  // --- JSON -----------------------------------------------------------------------------------

  private void json(Writer out) throws IOException {
    ObjectMapper json =
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    ObjectNode root = json.createObjectNode();
    root.put("generatedAt", generatedAt.toString());
    root.put("context", context);
    root.put("namespace", namespace);
    root.put("minSeverity", minSeverity.name());
    ArrayNode images = root.putArray("images");
    for (Row r : rows) {
      ObjectNode o = images.addObject();
      o.put("namespace", r.namespace());
      o.put("scanResult", r.scanResult());
      o.put("image", r.image());
      o.put("digest", r.digest());
      o.put("verdict", r.verdict() == null ? null : r.verdict().name());
      o.put("decidingPolicy", r.decidingPolicy());
      o.put("pods", r.pods());
      ArrayNode w = o.putArray("workloads");
      r.workloads()
          .forEach(
              x ->
                  w.addObject()
                      .put("kind", x.getKind())
                      .put("name", x.getName())
                      .put("pods", x.getPods()));
      ObjectNode counts = o.putObject("counts");
      severities()
          .forEach(
              s -> counts.put(s.name().toLowerCase(Locale.ROOT), r.counts().getOrDefault(s, 0)));
      ArrayNode findings = o.putArray("findings");
      for (Finding f : r.findings()) {
        ObjectNode fo = findings.addObject();
        fo.put("id", f.getId());
        fo.put("severity", f.getSeverity().name());
        fo.put("type", f.getType());
        fo.put("package", f.getPackageName());
        fo.put("installedVersion", f.getInstalledVersion());
        fo.put("fixedVersion", f.getFixedVersion());
        if (f.getCvss() != null) {
          fo.put("cvss", f.getCvss());
        }
      }
    }
    json.writeValue(out, root);
    out.write('\n');
  }

  // --- CSV (RFC 4180) -------------------------------------------------------------------------

  static final List<String> CSV_HEADER =
      List.of(
          "namespace",
          "scanResult",
          "image",
          "digest",
          "verdict",
          "pods",
          "workloads",
          "finding",
          "severity",
          "package",
          "installedVersion",
          "fixedVersion");

  /** One line per image and finding (an image without findings has one line, finding empty). */
  private void csv(Writer out) throws IOException {
    out.write(csvLine(CSV_HEADER));
    for (Row r : rows) {
      List<String> image =
          List.of(
              r.namespace(),
              r.scanResult(),
              r.image(),
              nz(r.digest()),
              r.verdictName(),
              Integer.toString(r.pods()),
              r.workloadList());
      if (r.findings().isEmpty()) {
        List<String> line = new ArrayList<>(image);
        line.addAll(List.of("", "", "", "", ""));
        out.write(csvLine(line));
      }
      for (Finding f : r.findings()) {
        List<String> line = new ArrayList<>(image);
        line.addAll(
            List.of(
                f.getId(),
                f.getSeverity().name(),
                nz(f.getPackageName()),
                nz(f.getInstalledVersion()),
                nz(f.getFixedVersion())));
        out.write(csvLine(line));
      }
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  static String csvLine(List<String> cells) {
    return cells.stream().map(ClusterReport::csvCell).collect(Collectors.joining(",")) + "\r\n";
  }

  /**
   * One RFC 4180 field; a value a spreadsheet would run as a formula (leading =, +, -, @, tab or
   * carriage return) gets a leading apostrophe (OWASP's CSV injection advice).
   */
  static String csvCell(String s) {
    String v = s;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  // --- HTML -----------------------------------------------------------------------------------

  /** A page with its style inline and no script or external resource. */
  private void html(Writer out) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    b.append(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src"
            + " 'unsafe-inline'\">\n");
    b.append("<title>Sekisho: images in use (").append(esc(context)).append(")</title>\n");
    b.append(
        "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px"
            + " 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}"
            + ".Fail{color:#b00020;font-weight:bold}.Warn{color:#a15c00}.Pass{color:#1b7f3b}"
            + ".Error{color:#6a1b9a}code{font-size:90%}details{margin:0}</style>\n</head>\n<body>\n");
    b.append("<h1>Images in use</h1>\n<p>Context <code>")
        .append(esc(context))
        .append("</code>, ")
        .append(
            namespace == null ? "every namespace" : "namespace <code>" + esc(namespace) + "</code>")
        .append(", findings at ")
        .append(minSeverity)
        .append(" or above, generated ")
        .append(esc(generatedAt.toString()))
        .append(". ")
        .append(rows.size())
        .append(" image(s) in use, ")
        .append(failing().size())
        .append(" failing.</p>\n");
    b.append("<table>\n<thead><tr><th>Namespace</th><th>Image</th><th>Verdict</th><th>Pods</th>");
    severities().forEach(s -> b.append("<th>").append(s).append("</th>"));
    b.append("<th>Workloads</th><th>Findings</th></tr></thead>\n<tbody>\n");
    for (Row r : rows) {
      b.append("<tr><td>").append(esc(r.namespace())).append("</td><td><code>");
      b.append(esc(r.image())).append("</code>");
      if (r.digest() != null) {
        b.append("<br><code>").append(esc(r.digest())).append("</code>");
      }
      b.append("</td><td class=\"").append(r.verdictName()).append("\">").append(r.verdictName());
      if (r.decidingPolicy() != null) {
        b.append("<br><small>").append(esc(r.decidingPolicy())).append("</small>");
      }
      b.append("</td><td>").append(r.pods()).append("</td>");
      severities()
          .forEach(s -> b.append("<td>").append(r.counts().getOrDefault(s, 0)).append("</td>"));
      b.append("<td>").append(esc(r.workloadList())).append("</td><td>");
      if (!r.findings().isEmpty()) {
        b.append("<details><summary>")
            .append(r.findings().size())
            .append(" finding(s)</summary><ul>");
        for (Finding f : r.findings()) {
          b.append("<li><code>").append(esc(f.getId())).append("</code> ").append(f.getSeverity());
          if (f.getPackageName() != null) {
            b.append(" in ").append(esc(f.getPackageName()));
            if (f.getInstalledVersion() != null) {
              b.append(' ').append(esc(f.getInstalledVersion()));
            }
            if (f.getFixedVersion() != null) {
              b.append(" (fixed in ").append(esc(f.getFixedVersion())).append(')');
            }
          }
          b.append("</li>");
        }
        b.append("</ul></details>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n</body>\n</html>\n");
    out.write(b.toString());
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
