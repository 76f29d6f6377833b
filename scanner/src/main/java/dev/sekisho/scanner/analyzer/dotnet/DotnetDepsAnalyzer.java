package dev.sekisho.scanner.analyzer.dotnet;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NuGet packages of a published .NET application, from its {@code *.deps.json}: the "libraries"
 * object keyed "Name/Version"; entries of type "package" are NuGet packages (type "project" is the
 * application's own projects).
 */
public final class DotnetDepsAnalyzer implements Analyzer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "dotnet-deps";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.endsWith(".deps.json");
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(input.stream());
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getOriginalMessage())));
    }
    if (root == null || !root.path("libraries").isObject()) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse("no \"libraries\" object")));
    }
    List<Package> packages = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.path("libraries").properties()) {
      if (!"package".equals(e.getValue().path("type").asText())) {
        continue;
      }
      int slash = e.getKey().lastIndexOf('/');
      if (slash <= 0 || slash == e.getKey().length() - 1) {
        warnings.add(input.cannotParse("library key is not Name/Version: " + e.getKey()));
        continue;
      }
      String name = e.getKey().substring(0, slash);
      String version = e.getKey().substring(slash + 1);
      packages.add(
          new Package(
              PackageType.NUGET,
              name,
              version,
              null,
              null,
              List.of(),
              PackageUrls.of(PackageType.NUGET, name, version),
              input.location(),
              null));
    }
    return AnalysisResult.ofPackages(packages, warnings);
  }
}
