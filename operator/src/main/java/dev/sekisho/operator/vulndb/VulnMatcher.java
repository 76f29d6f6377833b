package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.scan.MatchingDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Matching against the database the operator currently holds. The seam between the operator and
 * {@code dev.sekisho.scanner.vulndb}/{@code match}, so a database swap after an update is one
 * reference change.
 */
public interface VulnMatcher {
  /**
   * The loaded database.
   *
   * @param version schema version and build id
   * @param built when it was built
   */
  record DatabaseInfo(String version, Instant built) {}

  /** The loaded database, or empty while none is loaded (the scan API answers 503 then). */
  Optional<DatabaseInfo> database();

  /** Vulnerabilities of {@code packages} on {@code os} (null when unknown). */
  List<Vulnerability> match(OperatingSystem os, List<Package> packages);

  /**
   * Warnings for packages no advisory can match (an OS package whose distribution is unknown, an
   * ecosystem the database does not hold), as the CLI reports them; none by default.
   */
  default List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) {
    return List.of();
  }

  /**
   * The loaded database as the one scan function ({@code ScanPipeline}) matches against, described
   * as it is now; empty while none is loaded.
   */
  default Optional<MatchingDatabase> forScan() {
    return database()
        .map(
            info ->
                new MatchingDatabase() {
                  @Override
                  public String version() {
                    return info.version();
                  }

                  @Override
                  public Instant built() {
                    return info.built();
                  }

                  @Override
                  public List<Vulnerability> match(OperatingSystem os, List<Package> packages) {
                    return VulnMatcher.this.match(os, packages);
                  }

                  @Override
                  public List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) {
                    return VulnMatcher.this.uncovered(os, packages);
                  }
                });
  }
}
