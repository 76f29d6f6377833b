package dev.sekisho.scanner.report.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;

/** Writes the JSON report (schema {@value JsonReport#SCHEMA_VERSION}). */
public final class JsonReportWriter implements ReportWriter {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @Override
  public void write(ReportInput input, OutputStream out) throws IOException {
    MAPPER.writeValue(out, JsonReportMapper.toModel(input));
    out.write('\n');
    out.flush();
  }
}
