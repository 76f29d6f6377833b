package dev.sekisho.scanner.analyzer.apk;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Installed Alpine (and Wolfi/Chainguard) packages from apk-tools' database {@code
 * lib/apk/db/installed}: one record per package, separated by blank lines, each line a one-letter
 * field "X:value" (P name, V version, A architecture, o origin = source package, L license).
 */
public final class ApkAnalyzer implements Analyzer {
  static final String INSTALLED = "lib/apk/db/installed";

  @Override
  public String name() {
    return "apk";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.equals(INSTALLED);
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(input.stream(), StandardCharsets.UTF_8));
    List<Package> packages = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    Record rec = new Record();
    int lineNo = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isEmpty()) {
        rec.finish(input, packages, warnings);
        rec = new Record();
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != ':') {
        warnings.add(input.cannotParse("line " + lineNo + ": not a field: " + abbreviate(line)));
        continue;
      }
      if (rec.line == 0) {
        rec.line = lineNo;
      }
      String value = line.substring(2);
      switch (line.charAt(0)) {
        case 'P' -> rec.name = value;
        case 'V' -> rec.version = value;
        case 'A' -> rec.arch = value;
        case 'o' -> rec.origin = value;
        case 'L' -> rec.license = value;
        default -> {}
      }
    }
    rec.finish(input, packages, warnings);
    return AnalysisResult.ofPackages(packages, warnings);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }

  /** The fields of one record being read. */
  private static final class Record {
    int line;
    String name;
    String version;
    String arch;
    String origin;
    String license;

    void finish(AnalysisInput input, List<Package> packages, List<ScanWarning> warnings) {
      if (line == 0) {
        return; // nothing read since the last blank line
      }
      if (isEmpty(name) || isEmpty(version)) {
        warnings.add(
            input.cannotParse(
                "line "
                    + line
                    + ": record without P (name) or V (version)"
                    + (isEmpty(name) ? "" : " (P:" + name + ")")));
        return;
      }
      String upstream = origin == null || origin.equals(name) ? "" : origin;
      packages.add(
          new Package(
              PackageType.APK,
              name,
              version,
              origin,
              null,
              isEmpty(license) ? List.of() : List.of(license),
              PackageUrls.of(
                  PackageType.APK,
                  null,
                  name,
                  version,
                  Map.of("arch", arch == null ? "" : arch, "upstream", upstream)),
              input.location(),
              new PackageMetadata.Apk(origin, arch)));
    }

    private static boolean isEmpty(String s) {
      return s == null || s.isEmpty();
    }
  }
}
