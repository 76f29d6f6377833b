package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.report.ReportFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One report per platform for --platform all: file names, and what stdout can take. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReportOutputTest {

  @Test
  void platformFilesGetThePlatformBeforeTheExtension() {
    assertThat(ReportOutput.platformFile(Path.of("out/report.json"), "linux/amd64"))
        .isEqualTo(Path.of("out/report.linux-amd64.json"));
    assertThat(ReportOutput.platformFile(Path.of("bom.cdx.json"), "linux/arm/v7"))
        .isEqualTo(Path.of("bom.cdx.linux-arm-v7.json"));
    assertThat(ReportOutput.platformFile(Path.of("report"), "linux/arm64"))
        .isEqualTo(Path.of("report.linux-arm64"));
  }

  @Test
  void onlyTheTableAndTheSummaryShareStandardOutput() {
    ReportOutput.checkPerPlatform(
        List.of(
            new OutputOptions.Destination(ReportFormat.TABLE, null),
            new OutputOptions.Destination(ReportFormat.JSON, Path.of("r.json"))));
    assertThatThrownBy(
            () ->
                ReportOutput.checkPerPlatform(
                    List.of(new OutputOptions.Destination(ReportFormat.SARIF, null))))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("one sarif report per platform")
        .hasMessageContaining("--output FILE");
  }
}
