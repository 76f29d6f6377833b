package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  private static final ObjectMapper JSON = new ObjectMapper();
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

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(input.stream());
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getOriginalMessage())));
    }
    String name = json == null ? null : json.path("name").asText(null);
    String version = json == null ? null : json.path("version").asText(null);
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      // package.json files without name or version are not published packages
      return AnalysisResult.EMPTY;
    }
    return AnalysisResult.ofPackages(
        List.of(
            NpmPackageJson.toPackage(
                name, version, NpmPackageJson.licenses(json), input.location())),
        null);
  }
}
