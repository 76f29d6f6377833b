package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import java.io.IOException;
import java.util.List;

/**
 * Installed npm packages: the package.json of every package directory under a node_modules
 * directory ({@code …/node_modules/NAME/package.json} or {@code …/node_modules/@SCOPE/NAME/…}).
 * Other package.json files inside a package (test fixtures, sub-builds) are not packages.
 */
public final class NpmPackageJsonAnalyzer implements Analyzer {
  // Field names are neither interned nor canonicalized: tens of thousands of package.json files
  // bring many distinct keys (every dependency's name), and each parser's copy of a shared symbol
  // table that keeps growing cost more than decoding the few names each file has.
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
              .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
              .build());
  private static final String NODE_MODULES = "node_modules/";
  private static final long MAX_SIZE = 8L * 1024 * 1024;

  @Override
  public String name() {
    return "npm-package-json";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    if (!path.endsWith("/package.json") || info.size() > MAX_SIZE) {
      return false;
    }
    int at = path.lastIndexOf(NODE_MODULES);
    if (at < 0 || (at > 0 && path.charAt(at - 1) != '/')) {
      return false;
    }
    String rest =
        path.substring(at + NODE_MODULES.length(), path.length() - "/package.json".length());
    String[] parts = rest.split("/", -1);
    if (parts.length == 1) {
      return !parts[0].isEmpty() && !parts[0].startsWith(".") && !parts[0].startsWith("@");
    }
    return parts.length == 2 && parts[0].startsWith("@") && !parts[1].isEmpty();
  }

  /**
   * Reads only the top-level {@code name}, {@code version}, {@code license} and {@code licenses} of
   * the document, streaming past everything else (READMEs, scripts, dependency maps): an image has
   * tens of thousands of these files. Values are read as a tree would give them: the last of
   * duplicate keys wins, a number or boolean counts as its text, an object or array as empty.
   */
  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    String name = null;
    String version = null;
    ObjectNode licenseFields = JSON.createObjectNode();
    try (JsonParser parser = JSON.createParser(input.stream())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        // not an object (or empty): read to the end of the value for the syntax check
        parser.skipChildren();
        return AnalysisResult.EMPTY;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "name" -> name = text(parser, value);
          case "version" -> version = text(parser, value);
          case "license", "licenses" -> licenseFields.set(field, JSON.readTree(parser));
          default -> parser.skipChildren();
        }
      }
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getOriginalMessage())));
    }
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      // package.json files without name or version are not published packages
      return AnalysisResult.EMPTY;
    }
    return AnalysisResult.ofPackages(
        List.of(
            NpmPackageJson.toPackage(
                name, version, NpmPackageJson.licenses(licenseFields), input.location())),
        null);
  }

  /** A value as {@link JsonNode#asText(String)} with a null default gives it. */
  private static String text(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      parser.skipChildren();
      return "";
    }
    return value == JsonToken.VALUE_NULL ? null : parser.getText();
  }
}
