package dev.sekisho.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes Tekton results: one file per result in the results directory, the value without a trailing
 * newline (Tekton reads the file as is; results are small strings).
 */
final class TektonResults {
  private final Map<String, String> values = new LinkedHashMap<>();

  TektonResults put(String name, Object value) {
    values.put(name, value == null ? "" : String.valueOf(value));
    return this;
  }

  Map<String, String> values() {
    return Map.copyOf(values);
  }

  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> e : values.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new InfrastructureException(
          "cannot write the Tekton results to " + dir + ": " + e.getMessage(), e);
    }
  }
}
