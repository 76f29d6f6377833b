package dev.sekisho.scanner.report.list;

import dev.sekisho.scanner.report.ReportFormat;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.ReportWriter;
import dev.sekisho.scanner.report.SummaryLine;
import dev.sekisho.scanner.report.cyclonedx.CycloneDxReportWriter;
import dev.sekisho.scanner.report.html.HtmlReportWriter;
import dev.sekisho.scanner.report.json.JsonReportWriter;
import dev.sekisho.scanner.report.openvex.OpenVexReportWriter;
import dev.sekisho.scanner.report.sarif.SarifReportWriter;
import dev.sekisho.scanner.report.spdx.SpdxReportWriter;
import dev.sekisho.scanner.report.table.TableReportWriter;

/** The one explicit map from report format to writer. */
public final class ReportWriters {
  private ReportWriters() {}

  /** The writer of {@code format}. */
  public static ReportWriter of(ReportFormat format, ReportOptions options) {
    return switch (format) {
      case TABLE -> new TableReportWriter(options);
      case JSON -> new JsonReportWriter();
      case SARIF -> new SarifReportWriter();
      case HTML -> new HtmlReportWriter();
      case SUMMARY -> new SummaryLine();
      case CYCLONEDX -> new CycloneDxReportWriter();
      case SPDX -> new SpdxReportWriter();
      case OPENVEX -> new OpenVexReportWriter();
    };
  }
}
