package dev.sekisho.scanner.analyzer.php;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LimitedJson;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * PHP packages Composer installed, from {@code vendor/composer/installed.json}: Composer 1 writes
 * an array of packages, Composer 2 an object with a "packages" array. Every listed package is on
 * disk, development ones included.
 */
public final class ComposerInstalledAnalyzer implements Analyzer {
  private static final String FILE = "composer/installed.json";

  @Override
  public String name() {
    return "composer-installed";
  }

  @Override
  public int version() {
    // 2: read streaming with the analyzers' limits
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.endsWith("/" + FILE) || path.equals(FILE);
  }

  /**
   * Reads the file as a token stream, keeping only each package's name, version and licenses; at
   * most {@link dev.sekisho.scanner.analyzer.AnalyzerLimits#maxPackagesPerFile()} packages are
   * taken.
   */
  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    Location location = input.location();
    List<Package> packages = new ArrayList<>();
    boolean sawList = false;
    try (JsonParser parser = LimitedJson.parser(problems.limitedStream())) {
      JsonToken root = parser.nextToken();
      if (root == JsonToken.START_ARRAY) {
        sawList = true;
        readList(parser, location, packages, problems);
      } else if (root == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals("packages") && value == JsonToken.START_ARRAY) {
            sawList = true;
            packages.clear(); // the last of duplicate keys wins
            if (!readList(parser, location, packages, problems)) {
              break;
            }
          } else {
            parser.skipChildren();
          }
        }
      }
    } catch (JacksonException e) {
      problems.add(LimitedJson.describe(e));
      return AnalysisResult.ofPackages(packages, problems.warnings());
    }
    if (!sawList) {
      problems.add("no package list");
    }
    return AnalysisResult.ofPackages(packages, problems.warnings());
  }

  /**
   * Reads the array of packages, the parser on its start; false when the package limit stopped it.
   */
  private static boolean readList(
      JsonParser parser, Location location, List<Package> packages, ParseProblems problems)
      throws IOException {
    int i = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      i++;
      String name = "";
      String version = "";
      List<String> licenses = new ArrayList<>();
      if (parser.currentToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          switch (field) {
            case "name" -> name = scalar(parser, value);
            case "version" -> version = scalar(parser, value);
            case "license" -> {
              licenses = new ArrayList<>();
              readLicenses(parser, value, licenses);
            }
            default -> parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
      if (name.isEmpty() || version.isEmpty()) {
        problems.add("package " + i + " has no name or version");
        continue;
      }
      if (problems.packageLimitReached(packages.size())) {
        return false;
      }
      int slash = name.indexOf('/');
      packages.add(
          new Package(
              PackageType.COMPOSER,
              name,
              version,
              null,
              null,
              licenses,
              PackageUrls.of(
                  PackageType.COMPOSER,
                  slash > 0 ? name.substring(0, slash) : null,
                  slash > 0 ? name.substring(slash + 1) : name,
                  version,
                  null),
              location,
              null));
    }
    return true;
  }

  /** A scalar's text (null as ""); an object or array is skipped and gives "". */
  private static String scalar(JsonParser parser, JsonToken value) throws IOException {
    if (value.isStructStart()) {
      parser.skipChildren();
      return "";
    }
    return value == JsonToken.VALUE_NULL ? "" : parser.getText();
  }

  /** The scalar elements (or values) of a "license" array (or object), at most 64. */
  private static void readLicenses(JsonParser parser, JsonToken value, List<String> out)
      throws IOException {
    if (!value.isStructStart()) {
      return; // a lone string is not a list, as Composer writes it
    }
    JsonToken end = value == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
    JsonToken t;
    while ((t = parser.nextToken()) != end) {
      if (t == JsonToken.FIELD_NAME) {
        continue;
      }
      if (t.isStructStart()) {
        parser.skipChildren();
      } else if (out.size() < 64) {
        out.add(t == JsonToken.VALUE_NULL ? "null" : parser.getText());
      }
    }
  }
}
