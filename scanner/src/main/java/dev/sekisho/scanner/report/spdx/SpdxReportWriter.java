package dev.sekisho.scanner.report.spdx;

import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportWriter;
import dev.sekisho.scanner.sbom.SpdxWriter;
import dev.sekisho.scanner.scan.ScannerVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the scanned inventory as SPDX 2.3 JSON (the inventory helper's {@link SpdxWriter}). SPDX
 * 2.3 has no place for vulnerabilities: use CycloneDX, SARIF or JSON for findings.
 */
public final class SpdxReportWriter implements ReportWriter {
  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    ScanReport r = input.report();
    String version = r.metadata() == null ? null : r.metadata().scannerVersion();
    String json =
        new SpdxWriter(version == null ? ScannerVersion.current() : version)
            .toJson(new Inventory(r.image(), r.os(), r.packages(), r.secrets(), r.warnings()));
    out.write(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.flush();
  }
}
