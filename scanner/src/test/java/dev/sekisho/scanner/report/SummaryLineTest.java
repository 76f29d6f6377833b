package dev.sekisho.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryLineTest {
  @Test
  void sampleLine() {
    assertThat(SummaryLine.render(new ReportInput(SampleReports.sample())))
        .isEqualTo(
            "sekisho: registry.example.com/team/app@"
                + SampleReports.DIGEST
                + " critical=1 high=1 medium=1 low=0 unknown=0 fixable=2 known-exploited=1"
                + " secrets=1 misconfigurations=2");
  }

  @Test
  void withoutDigestTheReferenceAsGiven() {
    assertThat(SummaryLine.render(new ReportInput(SampleReports.empty())))
        .startsWith("sekisho: docker.io/library/scratch-app:latest critical=0");
  }
}
