package dev.sekisho.scanner.report.cyclonedx;

import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;

/** Writes CycloneDX 1.6 JSON with vulnerabilities (and VEX analyses for excepted findings). */
public final class CycloneDxReportWriter implements ReportWriter {
  /** The spec version written. */
  public static final Version VERSION = Version.VERSION_16;

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    String json;
    try {
      json =
          BomGeneratorFactory.createJson(VERSION, CycloneDxReportMapper.toBom(input))
              .toJsonString();
    } catch (GeneratorException e) {
      throw new IOException("cannot write CycloneDX: " + e.getMessage(), e);
    }
    out.write(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.flush();
  }
}
