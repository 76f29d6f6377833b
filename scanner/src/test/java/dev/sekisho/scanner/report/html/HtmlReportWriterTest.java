package dev.sekisho.scanner.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleReports;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportWriterTest {
  private final String html =
      new HtmlReportWriter().render(new ReportInput(SampleReports.sample()));

  @Test
  void selfContained() {
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>", "<svg");
    // nothing loaded from elsewhere: no external scripts, stylesheets, images, fonts or imports
    assertThat(html)
        .doesNotContainPattern(Pattern.compile("<script|<link|<img|<iframe|@import|url\\("));
    assertThat(html).doesNotContainPattern(Pattern.compile("src\\s*="));
  }

  @Test
  void severityChartHasABarPerSeverity() {
    assertThat(html)
        .contains("<title>Critical: 1</title>", "<title>High: 1</title>", "<title>Low: 0</title>");
  }

  @Test
  void perLayerView() {
    assertThat(html)
        .contains(
            "Layer 0 <code>sha256:111111111111</code>: 2 packages, 2 vulnerabilities, 0 secrets")
        .contains(
            "Layer 1 <code>sha256:222222222222</code>: 1 packages, 1 vulnerabilities, 1 secrets");
  }

  @Test
  void escapesText() {
    assertThat(html).contains("inflate &lt;b&gt;").contains("COPY app /app &lt;script&gt;");
    assertThat(html).doesNotContain(SampleReports.FULL_SECRET).contains("AKIA****");
  }
}
