package dev.sekisho.scanner.analyzer.apk;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LineReader;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
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
    // 2: read with the analyzers' limits (line length, file size, packages per file)
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.equals(INSTALLED);
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    LineReader lines = new LineReader(problems.limitedStream(), problems);
    Location location = input.location();
    List<Package> packages = new ArrayList<>();
    Record rec = new Record();
    String line;
    while ((line = lines.readLine()) != null) {
      long lineNo = lines.lineNumber();
      if (line.isEmpty()) {
        if (!rec.finish(location, packages, problems)) {
          return AnalysisResult.ofPackages(packages, problems.warnings());
        }
        rec = new Record();
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != ':') {
        problems.add("line " + lineNo + ": not a field: " + abbreviate(line));
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
    rec.finish(location, packages, problems);
    return AnalysisResult.ofPackages(packages, problems.warnings());
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }

  /** The fields of one record being read. */
  private static final class Record {
    long line;
    String name;
    String version;
    String arch;
    String origin;
    String license;

    /** Adds the record's package; false when the package limit says to stop reading. */
    boolean finish(Location location, List<Package> packages, ParseProblems problems) {
      if (line == 0) {
        return true; // nothing read since the last blank line
      }
      if (isEmpty(name) || isEmpty(version)) {
        problems.add(
            "line "
                + line
                + ": record without P (name) or V (version)"
                + (isEmpty(name) ? "" : " (P:" + name + ")"));
        return true;
      }
      if (problems.packageLimitReached(packages.size())) {
        return false;
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
              location,
              new PackageMetadata.Apk(origin, arch)));
      return true;
    }

    private static boolean isEmpty(String s) {
      return s == null || s.isEmpty();
    }
  }
}
