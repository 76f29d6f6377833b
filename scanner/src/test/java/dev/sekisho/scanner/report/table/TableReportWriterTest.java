package dev.sekisho.scanner.report.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.SampleReports;
import org.junit.jupiter.api.Test;

class TableReportWriterTest {

  @Test
  void groupsBySeverityMostSevereFirstWithFixedVersions() {
    String text =
        new TableReportWriter(ReportOptions.plain())
            .render(new ReportInput(SampleReports.sample()));
    int critical = text.indexOf("CRITICAL (1)");
    int high = text.indexOf("HIGH (1)");
    int medium = text.indexOf("MEDIUM (1)");
    assertThat(critical).isPositive();
    assertThat(high).isGreaterThan(critical);
    assertThat(medium).isGreaterThan(high);
    assertThat(text).doesNotContain("LOW (");
    String log4jLine =
        text.lines().filter(l -> l.contains("CVE-2021-44228")).findFirst().orElseThrow();
    assertThat(log4jLine).contains("[KEV]", "log4j-core", "2.14.1", "2.15.0", "10.0");
    String zlibLine =
        text.lines().filter(l -> l.contains("CVE-2024-0002")).findFirst().orElseThrow();
    assertThat(zlibLine).contains("(no fix yet)");
    assertThat(text)
        .contains("registry.example.com/team/app:1.0 @ " + SampleReports.DIGEST)
        .contains("SECRETS (1)", "AKIA****", "MISCONFIGURATIONS (2)", "config/root-user")
        .contains("WARNINGS (1)", "bad CEN header")
        .doesNotContain(SampleReports.FULL_SECRET)
        .doesNotContain("\u001b[");
  }

  @Test
  void coloursOnlyWhenAsked() {
    String text =
        new TableReportWriter(new ReportOptions(true))
            .render(new ReportInput(SampleReports.sample()));
    assertThat(text).contains("\u001b[1;31mCRITICAL (1)\u001b[0m");
  }

  @Test
  void columnsAreAligned() {
    String text =
        new TableReportWriter(ReportOptions.plain())
            .render(new ReportInput(SampleReports.sample()));
    String header =
        text.lines()
            .filter(l -> l.contains("ID") && l.contains("PACKAGE"))
            .findFirst()
            .orElseThrow();
    String row = text.lines().filter(l -> l.contains("CVE-2021-44228")).findFirst().orElseThrow();
    assertThat(row.indexOf("org.apache")).isEqualTo(header.indexOf("PACKAGE"));
  }

  @Test
  void emptyReportSaysSo() {
    String text =
        new TableReportWriter(ReportOptions.plain()).render(new ReportInput(SampleReports.empty()));
    assertThat(text).contains("vulnerabilities: 0").doesNotContain("CRITICAL");
  }
}
