package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database the operator currently matches against. An update loads the new database fully and
 * then swaps one reference, so a scan in flight finishes against the database it started with.
 */
public final class DatabaseHolder implements VulnMatcher {
  private final AtomicReference<VulnMatcher> current = new AtomicReference<>();

  /** Makes {@code loaded} the current database; returns the one it replaced, if any. */
  public Optional<VulnMatcher> swap(VulnMatcher loaded) {
    if (loaded.database().isEmpty()) {
      throw new IllegalArgumentException("a loaded database must describe itself");
    }
    return Optional.ofNullable(current.getAndSet(loaded));
  }

  @Override
  public Optional<DatabaseInfo> database() {
    VulnMatcher m = current.get();
    return m == null ? Optional.empty() : m.database();
  }

  @Override
  public List<Vulnerability> match(OperatingSystem os, List<Package> packages) {
    VulnMatcher m = current.get();
    if (m == null) {
      throw new IllegalStateException("no vulnerability database is loaded");
    }
    return m.match(os, packages);
  }

  @Override
  public List<ScanWarning> uncovered(OperatingSystem os, List<Package> packages) {
    VulnMatcher m = current.get();
    if (m == null) {
      throw new IllegalStateException("no vulnerability database is loaded");
    }
    return m.uncovered(os, packages);
  }
}
