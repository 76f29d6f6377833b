package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.match.VulnerabilityMatcher;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A compiled vulnerability database opened read-only, as the operator's {@link VulnMatcher}. */
public final class LocalDatabase implements VulnMatcher, AutoCloseable {
  private final VulnDatabase db;
  private final VulnerabilityMatcher matcher;
  private final DatabaseInfo info;
  private final long advisories;

  private LocalDatabase(VulnDatabase db) throws IOException {
    this.db = db;
    this.matcher = new VulnerabilityMatcher(db);
    var described = db.info();
    this.info = new DatabaseInfo(described.describe(), described.builtAt());
    this.advisories = described.advisories();
  }

  /** The number of advisories the database holds. */
  public long advisories() {
    return advisories;
  }

  /** Opens the database in {@code dir}; fails with the scanner's message when there is none. */
  public static LocalDatabase open(Path dir) throws IOException {
    return new LocalDatabase(VulnDatabase.open(dir));
  }

  @Override
  public Optional<DatabaseInfo> database() {
    return Optional.of(info);
  }

  @Override
  public List<Vulnerability> match(OperatingSystem os, List<Package> packages) {
    try {
      return matcher.match(os, packages);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the vulnerability database", e);
    }
  }

  @Override
  public List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) {
    try {
      return matcher.uncovered(os, packages);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the vulnerability database", e);
    }
  }

  @Override
  public void close() throws IOException {
    db.close();
  }
}
