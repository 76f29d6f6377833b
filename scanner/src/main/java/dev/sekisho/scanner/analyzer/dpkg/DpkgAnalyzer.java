package dev.sekisho.scanner.analyzer.dpkg;

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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installed Debian packages from dpkg's status database ({@code var/lib/dpkg/status}) and from the
 * one-file-per-package records of distroless images ({@code var/lib/dpkg/status.d/NAME}).
 *
 * <p>A record counts when its Status says the package is installed (third word "installed", as in
 * "install ok installed" or "hold ok installed"); distroless records have no Status and all count.
 * Packages removed with their configuration left ("deinstall ok config-files") are not installed.
 * The purl carries no distribution: see {@link dev.sekisho.scanner.applier.PackagePostProcessor}.
 */
public final class DpkgAnalyzer implements Analyzer {
  static final String STATUS = "var/lib/dpkg/status";
  static final String STATUS_D = "var/lib/dpkg/status.d/";
  private static final Pattern SOURCE = Pattern.compile("^(\\S+)(?:\\s+\\((\\S+)\\))?$");

  /** The fields read; the others (Description, Conffiles, Depends, …) are skipped. */
  private static final Set<String> FIELDS =
      Set.of("Package", "Version", "Status", "Source", "Architecture");

  @Override
  public String name() {
    return "dpkg";
  }

  @Override
  public int version() {
    // 2: read with the analyzers' limits (line length, file size, packages per file)
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    if (path.equals(STATUS)) {
      return true;
    }
    return path.startsWith(STATUS_D)
        && path.indexOf('/', STATUS_D.length()) < 0
        && !path.endsWith(".md5sums");
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    boolean distroless = input.path().startsWith(STATUS_D);
    ParseProblems problems = new ParseProblems(input);
    List<Package> packages = new ArrayList<>();
    Location location = input.location();
    ControlFileParser.parse(
        new LineReader(problems.limitedStream(), problems),
        FIELDS,
        problems,
        p -> {
          Package pkg = toPackage(p, distroless, location, problems);
          if (pkg == null) {
            return true;
          }
          if (problems.packageLimitReached(packages.size())) {
            return false;
          }
          packages.add(pkg);
          return true;
        });
    return AnalysisResult.ofPackages(packages, problems.warnings());
  }

  /** The installed package a paragraph records, or null (with a warning when it is broken). */
  private static Package toPackage(
      ControlFileParser.Paragraph p,
      boolean distroless,
      Location location,
      ParseProblems problems) {
    String name = p.get("Package");
    String version = p.get("Version");
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      problems.add(
          "line " + p.line() + ": record without Package or Version" + describe(p.fields()));
      return null;
    }
    String status = p.get("Status");
    if (status == null ? !distroless : !isInstalled(status)) {
      return null;
    }
    String sourceName = null;
    String sourceVersion = null;
    String source = p.get("Source");
    if (source != null && !source.isEmpty()) {
      Matcher m = SOURCE.matcher(source);
      if (m.matches()) {
        sourceName = m.group(1);
        sourceVersion = m.group(2);
      } else {
        problems.add("line " + p.line() + ": package " + name + ": bad Source: " + source);
      }
    }
    String arch = p.get("Architecture");
    String purl =
        PackageUrls.of(
            PackageType.DEB,
            null,
            name,
            version,
            Map.of("arch", arch == null ? "" : arch, "upstream", upstream(sourceName, name)));
    return new Package(
        PackageType.DEB,
        name,
        version,
        sourceName,
        sourceVersion,
        List.of(),
        purl,
        location,
        new PackageMetadata.Dpkg(arch, status));
  }

  private static String upstream(String sourceName, String name) {
    return sourceName == null || sourceName.equals(name) ? "" : sourceName;
  }

  /** dpkg's Status is "want flag status"; the package is on disk when status is "installed". */
  static boolean isInstalled(String status) {
    String[] words = status.strip().split("\\s+");
    return words.length == 3 && words[2].equals("installed");
  }

  private static String describe(Map<String, String> fields) {
    String name = fields.get("Package");
    return name == null ? "" : " (Package: " + name + ")";
  }
}
