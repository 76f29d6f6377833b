package dev.sekisho.scanner.analyzer.php;

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

/**
 * PHP packages Composer installed, from {@code vendor/composer/installed.json}: Composer 1 writes
 * an array of packages, Composer 2 an object with a "packages" array. Every listed package is on
 * disk, development ones included.
 */
public final class ComposerInstalledAnalyzer implements Analyzer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "composer/installed.json";

  @Override
  public String name() {
    return "composer-installed";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.endsWith("/" + FILE) || path.equals(FILE);
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(input.stream());
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getOriginalMessage())));
    }
    JsonNode list = root == null ? null : root.isArray() ? root : root.path("packages");
    if (list == null || !list.isArray()) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse("no package list")));
    }
    List<Package> packages = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    int i = 0;
    for (JsonNode p : list) {
      i++;
      String name = p.path("name").asText("");
      String version = p.path("version").asText("");
      if (name.isEmpty() || version.isEmpty()) {
        warnings.add(input.cannotParse("package " + i + " has no name or version"));
        continue;
      }
      List<String> licenses = new ArrayList<>();
      p.path("license").forEach(l -> licenses.add(l.asText()));
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
              input.location(),
              null));
    }
    return AnalysisResult.ofPackages(packages, warnings);
  }
}
