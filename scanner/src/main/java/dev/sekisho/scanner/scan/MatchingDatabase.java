package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.match.VulnerabilityMatcher;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The vulnerability database one scan matches against: the CLI's local database, or the database
 * the operator holds at the moment of the scan. {@link ScanPipeline} records its {@link #version}
 * and {@link #built} in the report.
 */
public interface MatchingDatabase {
  /** Schema version and build id, as {@link DatabaseInfo#describe()} says it. */
  String version();

  /** When the database was built. */
  Instant built();

  /** Vulnerabilities of {@code packages} on {@code os} (null when unknown). */
  List<Vulnerability> match(OperatingSystem os, List<Package> packages) throws IOException;

  /** Warnings for packages no advisory of this database can match. */
  List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) throws IOException;

  /** An opened compiled database; reads its description once. */
  static MatchingDatabase of(VulnDatabase db) throws IOException {
    DatabaseInfo info = db.info();
    VulnerabilityMatcher matcher = new VulnerabilityMatcher(db);
    return new MatchingDatabase() {
      @Override
      public String version() {
        return info.describe();
      }

      @Override
      public Instant built() {
        return info.builtAt();
      }

      @Override
      public List<Vulnerability> match(OperatingSystem os, List<Package> packages)
          throws IOException {
        return matcher.match(os, packages);
      }

      @Override
      public List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages)
          throws IOException {
        return matcher.uncovered(os, packages);
      }
    };
  }
}
