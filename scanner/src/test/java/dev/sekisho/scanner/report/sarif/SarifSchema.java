package dev.sekisho.scanner.report.sarif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The official SARIF 2.1.0 JSON schema (the OASIS "rtm.5" schema, committed under test resources),
 * for tests of every module that writes SARIF.
 */
public final class SarifSchema {
  private static final JsonSchema SCHEMA = load();

  private SarifSchema() {}

  /** Schema violations of {@code json}; empty when it is a valid SARIF 2.1.0 log. */
  public static List<String> validate(String json) {
    try {
      JsonNode node = new ObjectMapper().readTree(json);
      return SCHEMA.validate(node).stream().map(ValidationMessage::getMessage).sorted().toList();
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
  }

  private static JsonSchema load() {
    try (InputStream in =
        SarifSchema.class.getResourceAsStream("/schemas/sarif-schema-2.1.0.json")) {
      if (in == null) {
        throw new IllegalStateException(
            "schemas/sarif-schema-2.1.0.json missing from test resources");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
