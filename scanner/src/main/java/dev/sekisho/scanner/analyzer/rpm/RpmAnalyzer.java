package dev.sekisho.scanner.analyzer.rpm;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installed RPM packages from the rpm database in any of its three back ends: SQLite ({@code
 * rpmdb.sqlite}, RHEL 9, Fedora 33+), BerkeleyDB hash ({@code Packages}, RHEL 8 and older) and NDB
 * ({@code Packages.db}, SUSE), under {@code var/lib/rpm} or {@code usr/lib/sysimage/rpm}. Versions
 * are {@code [epoch:]version-release}; the source package comes from SOURCERPM. gpg-pubkey entries
 * (imported signing keys) are not packages.
 *
 * <p>The database comes from the image and may be hostile: {@link RpmDatabases} bounds every read
 * (no views, triggers or runaway queries in SQLite; headers counted, sized and never read twice in
 * all three formats), and a database it refuses or stops reading is a warning naming the file and
 * the problem, with the packages read before it.
 *
 * <p>Besides the packages it records the regular files each one installed with the digest rpm
 * recorded for them ({@link InstalledFile}), for the secret scan to skip package files still as
 * installed ({@link dev.sekisho.scanner.secret.InstalledFiles}); a header whose file list cannot be
 * read still gives its package, and a warning.
 */
public final class RpmAnalyzer implements Analyzer {
  private static final List<String> DIRS = List.of("var/lib/rpm/", "usr/lib/sysimage/rpm/");

  @Override
  public String name() {
    return "rpm";
  }

  /** Header warnings kept per database; the rest are counted in one more. */
  static final int MAX_HEADER_WARNINGS = 20;

  @Override
  public int version() {
    // 2: hostile databases are refused or cut short with a warning (views, triggers, runaway
    // queries, shared pages, oversized headers); a BerkeleyDB overflow item longer than the file is
    // a warning before any allocation
    // 3: the files each package installed, with their recorded digests, for the secret scan to
    // skip package files still as installed
    return 3;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    for (String dir : DIRS) {
      if (path.startsWith(dir)) {
        String file = path.substring(dir.length());
        return file.equals("rpmdb.sqlite") || file.equals("Packages") || file.equals("Packages.db");
      }
    }
    return false;
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    List<Package> packages = new ArrayList<>();
    List<InstalledFile> files = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    int[] index = {0};
    int[] bad = {0};
    java.util.function.Consumer<byte[]> sink =
        blob -> {
          index[0]++;
          try {
            RpmHeader h = RpmHeader.parse(blob);
            if (!h.name().equals("gpg-pubkey")) {
              packages.add(toPackage(h, input));
              files.addAll(h.files());
            }
            if (h.filesProblem() != null && ++bad[0] <= MAX_HEADER_WARNINGS) {
              warnings.add(
                  input.cannotParse("package header " + index[0] + ": " + h.filesProblem()));
            }
          } catch (IllegalArgumentException e) {
            if (++bad[0] <= MAX_HEADER_WARNINGS) {
              warnings.add(input.cannotParse("package header " + index[0] + ": " + e.getMessage()));
            }
          }
        };
    try {
      if (input.path().endsWith("rpmdb.sqlite")) {
        // SQLite opens files by name: the core's private temporary copy, under its size limits
        RpmDatabases.readSqlite(input.file(), sink);
      } else if (input.path().endsWith("Packages.db")) {
        RpmDatabases.readNdb(input.channel(), sink);
      } else {
        RpmDatabases.readBerkeleyDb(input.channel(), sink);
      }
    } catch (RpmDatabases.DatabaseException e) {
      warnings.add(input.cannotParse(e.getMessage()));
    }
    if (bad[0] > MAX_HEADER_WARNINGS) {
      warnings.add(
          input.cannotParse(
              (bad[0] - MAX_HEADER_WARNINGS) + " more package headers could not be parsed"));
    }
    return new AnalysisResult(packages, null, null, warnings, files);
  }

  static Package toPackage(RpmHeader h, AnalysisInput input) {
    String release = h.release() == null ? "" : h.release();
    String evr =
        (h.epoch() == null ? "" : h.epoch() + ":")
            + h.version()
            + (release.isEmpty() ? "" : "-" + release);
    String[] source = splitSourceRpm(h.sourceRpm());
    String sourceName = source == null ? null : source[0];
    String sourceVersion =
        source == null ? null : (h.epoch() == null ? "" : h.epoch() + ":") + source[1];
    Map<String, String> qualifiers = new LinkedHashMap<>();
    qualifiers.put("arch", h.arch());
    qualifiers.put("epoch", h.epoch() == null ? null : h.epoch().toString());
    qualifiers.put("upstream", h.sourceRpm());
    String purlVersion = h.version() + (release.isEmpty() ? "" : "-" + release);
    return new Package(
        PackageType.RPM,
        h.name(),
        evr,
        sourceName,
        sourceVersion,
        h.license() == null || h.license().isEmpty() ? List.of() : List.of(h.license()),
        PackageUrls.of(PackageType.RPM, null, h.name(), purlVersion, qualifiers),
        input.location(),
        new PackageMetadata.Rpm(
            h.epoch(), h.version(), release, h.arch(), h.sourceRpm(), h.modularityLabel()));
  }

  /** "bash-5.1.8-9.el9.src.rpm" to {"bash", "5.1.8-9.el9"}; null when it has another form. */
  static String[] splitSourceRpm(String sourceRpm) {
    if (sourceRpm == null) {
      return null;
    }
    String s = sourceRpm;
    if (s.endsWith(".src.rpm")) {
      s = s.substring(0, s.length() - ".src.rpm".length());
    } else if (s.endsWith(".nosrc.rpm")) {
      s = s.substring(0, s.length() - ".nosrc.rpm".length());
    } else {
      return null;
    }
    int rel = s.lastIndexOf('-');
    int ver = rel > 0 ? s.lastIndexOf('-', rel - 1) : -1;
    if (ver <= 0) {
      return null;
    }
    return new String[] {s.substring(0, ver), s.substring(ver + 1)};
  }
}
