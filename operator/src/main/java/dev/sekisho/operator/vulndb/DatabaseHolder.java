package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.scan.MatchingDatabase;
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
  public Optional<MatchingDatabase> database() {
    VulnMatcher m = current.get();
    return m == null ? Optional.empty() : m.database();
  }
}
