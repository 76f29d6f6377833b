package dev.sekisho.scanner.analyzer.dotnet;

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
 * NuGet packages of a published .NET application, from its {@code *.deps.json}: the "libraries"
 * object keyed "Name/Version"; entries of type "package" are NuGet packages (type "project" is the
 * application's own projects).
 */
public final class DotnetDepsAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "dotnet-deps";
  }

  @Override
  public int version() {
    // 2: read streaming with the analyzers' limits
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.endsWith(".deps.json");
  }

  /**
   * Reads the file as a token stream, skipping "targets" and everything else but each library's key
   * and type; at most {@link dev.sekisho.scanner.analyzer.AnalyzerLimits#maxPackagesPerFile()}
   * packages are taken.
   */
  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    Location location = input.location();
    List<Package> packages = new ArrayList<>();
    boolean sawLibraries = false;
    try (JsonParser parser = LimitedJson.parser(problems.limitedStream())) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals("libraries") && value == JsonToken.START_OBJECT) {
            sawLibraries = true;
            packages.clear(); // the last of duplicate keys wins
            if (!readLibraries(parser, location, packages, problems)) {
              break;
            }
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
    } catch (JacksonException e) {
      problems.add(LimitedJson.describe(e));
      return AnalysisResult.ofPackages(packages, problems.warnings());
    }
    if (!sawLibraries) {
      problems.add("no \"libraries\" object");
    }
    return AnalysisResult.ofPackages(packages, problems.warnings());
  }

  /** Reads "libraries", the parser on its start; false when the package limit stopped it. */
  private static boolean readLibraries(
      JsonParser parser, Location location, List<Package> packages, ParseProblems problems)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      String type = null;
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals("type") && !value.isStructStart()) {
            type = parser.getText();
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
      if (!"package".equals(type)) {
        continue;
      }
      int slash = key.lastIndexOf('/');
      if (slash <= 0 || slash == key.length() - 1) {
        problems.add("library key is not Name/Version: " + key);
        continue;
      }
      if (problems.packageLimitReached(packages.size())) {
        return false;
      }
      String name = key.substring(0, slash);
      String version = key.substring(slash + 1);
      packages.add(
          new Package(
              PackageType.NUGET,
              name,
              version,
              null,
              null,
              List.of(),
              PackageUrls.of(PackageType.NUGET, name, version),
              location,
              null));
    }
    return true;
  }
}
