package dev.sekisho.scanner.report.sarif;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;

/** Writes SARIF 2.1.0. */
public final class SarifReportWriter implements ReportWriter {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    MAPPER.writeValue(out, SarifReportMapper.toModel(input));
    out.write('\n');
    out.flush();
  }
}
