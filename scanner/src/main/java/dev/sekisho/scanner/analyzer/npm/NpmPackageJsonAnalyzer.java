package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LimitedJson;
import dev.sekisho.scanner.analyzer.ParseProblems;
import java.io.IOException;
import java.util.List;

/**
 * Installed npm packages: the package.json of every package directory under a node_modules
 * directory ({@code …/node_modules/NAME/package.json} or {@code …/node_modules/@SCOPE/NAME/…}).
 * Other package.json files inside a package (test fixtures, sub-builds) are not packages.
 *
 * <p>Files of any size are read, streaming, up to {@link
 * dev.sekisho.scanner.analyzer.AnalyzerLimits#maxFileBytes()} (a warning says when a file is
 * larger).
 */
public final class NpmPackageJsonAnalyzer implements Analyzer {
  private static final String NODE_MODULES = "node_modules/";

  @Override
  public String name() {
    return "npm-package-json";
  }

  @Override
  public int version() {
    // 2: files over 8 MiB are read (up to the analyzers' file limit, with a warning) instead of
    // left out without one
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    if (!path.endsWith("/package.json")) {
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
    ParseProblems problems = new ParseProblems(input);
    String name = null;
    String version = null;
    NpmPackageJson.Licenses licenses = new NpmPackageJson.Licenses();
    try (JsonParser parser = LimitedJson.parser(problems.limitedStream())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        // not an object (or empty): read to the end of the value for the syntax check
        parser.skipChildren();
        return problems.warnings().isEmpty()
            ? AnalysisResult.EMPTY
            : AnalysisResult.ofPackages(null, problems.warnings());
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "name" -> name = NpmPackageJson.text(parser);
          case "version" -> version = NpmPackageJson.text(parser);
          default -> {
            if (!licenses.read(field, parser)) {
              parser.skipChildren();
            }
          }
        }
      }
    } catch (JacksonException e) {
      problems.add(LimitedJson.describe(e));
      return AnalysisResult.ofPackages(null, problems.warnings());
    }
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      // package.json files without name or version are not published packages
      return problems.warnings().isEmpty()
          ? AnalysisResult.EMPTY
          : AnalysisResult.ofPackages(null, problems.warnings());
    }
    return AnalysisResult.ofPackages(
        List.of(NpmPackageJson.toPackage(name, version, licenses.list(), input.location())),
        problems.warnings());
  }
}
