package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * npm packages an application's {@code package-lock.json} pins, for images that ship an app without
 * its node_modules. Reads lockfile versions 2 and 3 ("packages", keyed by install path) and version
 * 1 ("dependencies", nested). Development dependencies, links and the app itself are left out.
 *
 * <p>When node_modules is present too, the same packages are found from their package.json files;
 * {@link #withoutInstalledDuplicates} drops the lockfile's copies after all layers are merged.
 */
public final class NpmLockfileAnalyzer implements Analyzer {
  static final String LOCKFILE = "package-lock.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_SIZE = 64L * 1024 * 1024;

  @Override
  public String name() {
    return "npm-lockfile";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return (path.equals(LOCKFILE) || path.endsWith("/" + LOCKFILE))
        && !path.contains("node_modules/")
        && info.size() <= MAX_SIZE;
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(input.stream());
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getOriginalMessage())));
    }
    List<Package> packages = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    if (json == null || !json.isObject()) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse("not a JSON object")));
    }
    if (json.path("packages").isObject()) {
      for (Map.Entry<String, JsonNode> e : json.path("packages").properties()) {
        String key = e.getKey();
        JsonNode entry = e.getValue();
        int at = key.lastIndexOf("node_modules/");
        if (at < 0 || entry.path("dev").asBoolean() || entry.path("link").asBoolean()) {
          continue; // "" is the app itself; workspace folders are not installed packages
        }
        String name = entry.path("name").asText(key.substring(at + "node_modules/".length()));
        String version = entry.path("version").asText("");
        if (version.isEmpty()) {
          warnings.add(input.cannotParse("package " + key + " has no version"));
          continue;
        }
        packages.add(
            NpmPackageJson.toPackage(
                name, version, NpmPackageJson.licenses(entry), input.location()));
      }
    } else {
      addV1(json.path("dependencies"), input, packages, warnings);
    }
    return AnalysisResult.ofPackages(packages, warnings);
  }

  private static void addV1(
      JsonNode deps, AnalysisInput input, List<Package> packages, List<ScanWarning> warnings) {
    for (Map.Entry<String, JsonNode> e : deps.properties()) {
      JsonNode entry = e.getValue();
      if (entry.path("dev").asBoolean()) {
        continue;
      }
      String version = entry.path("version").asText("");
      if (version.isEmpty() || version.startsWith("file:")) {
        warnings.add(input.cannotParse("package " + e.getKey() + " has no registry version"));
      } else {
        packages.add(NpmPackageJson.toPackage(e.getKey(), version, List.of(), input.location()));
      }
      addV1(entry.path("dependencies"), input, packages, warnings);
    }
  }

  /**
   * The packages without those lockfile entries that an installed package (found from its
   * package.json under the lockfile's own node_modules directory) already accounts for.
   */
  public static List<Package> withoutInstalledDuplicates(List<Package> packages) {
    Set<String> installed = new HashSet<>();
    for (Package p : packages) {
      String path = p.location() == null ? null : p.location().path();
      if (p.type() == PackageType.NPM && path != null && path.endsWith("/package.json")) {
        int at = path.indexOf("/node_modules/");
        if (at >= 0) {
          installed.add(path.substring(0, at) + "\0" + p.name() + "\0" + p.version());
        }
      }
    }
    if (installed.isEmpty()) {
      return packages;
    }
    List<Package> out = new ArrayList<>(packages.size());
    for (Package p : packages) {
      String path = p.location() == null ? null : p.location().path();
      if (p.type() == PackageType.NPM && path != null && path.endsWith("/" + LOCKFILE)) {
        String dir = path.substring(0, path.length() - LOCKFILE.length() - 1);
        if (installed.contains(dir + "\0" + p.name() + "\0" + p.version())) {
          continue;
        }
      }
      out.add(p);
    }
    return out;
  }
}
