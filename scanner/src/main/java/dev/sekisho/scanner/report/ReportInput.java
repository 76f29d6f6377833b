package dev.sekisho.scanner.report;

import dev.sekisho.scanner.model.ScanReport;
import java.util.Objects;

/**
 * What a report is made of: the scan and, when policies were evaluated, their verdict.
 *
 * @param report the scan
 */
public record ReportInput(ScanReport report) {
  public ReportInput {
    Objects.requireNonNull(report, "report");
  }
}
