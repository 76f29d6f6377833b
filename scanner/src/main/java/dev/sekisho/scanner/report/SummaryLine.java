package dev.sekisho.scanner.report;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.ScanReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one-line summary for logs, e.g. {@code sekisho: registry.example.com/app@sha256:… FAIL
 * critical=2 high=5 medium=0 low=1 unknown=0 fixable=6 secrets=1 misconfigurations=2 violations=3
 * policy=prod-strict}. Keys are stable, so log queries can parse it.
 */
public final class SummaryLine implements ReportWriter {

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    out.write((render(input) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The summary line, without a line break. */
  public static String render(ReportInput input) {
    ScanReport report = input.report();
    FindingCounts c = FindingCounts.of(report);
    StringBuilder b = new StringBuilder("sekisho: ").append(subject(report.image()));
    if (input.evaluation() != null) {
      b.append(' ').append(input.evaluation().verdict().name().toUpperCase(java.util.Locale.ROOT));
    }
    for (Severity s : Severity.values()) {
      b.append(' ')
          .append(s.name().toLowerCase(java.util.Locale.ROOT))
          .append('=')
          .append(c.count(s));
    }
    b.append(" fixable=").append(c.fixable());
    if (c.knownExploited() > 0) {
      b.append(" known-exploited=").append(c.knownExploited());
    }
    b.append(" secrets=").append(c.secrets());
    b.append(" misconfigurations=").append(c.misconfigurations());
    if (input.evaluation() != null) {
      b.append(" violations=").append(input.evaluation().violations().size());
      String policy = input.decidingPolicyName();
      if (policy != null) {
        b.append(" policy=").append(policy);
      }
    }
    return b.toString();
  }

  /** {@code repo@digest} when the digest is known, else the reference as given. */
  static String subject(ImageFacts image) {
    if (image == null || image.reference() == null) {
      return "(unnamed)";
    }
    if (image.digest() == null) {
      return image.reference();
    }
    String ref = image.reference();
    int at = ref.indexOf('@');
    if (at >= 0) {
      return ref;
    }
    String name = ref;
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    if (colon > slash) {
      name = ref.substring(0, colon);
    }
    return name + "@" + image.digest();
  }
}
