package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A compiled vulnerability database opened read-only, as the operator's {@link VulnMatcher}. */
public final class LocalDatabase implements VulnMatcher, AutoCloseable {
  private final VulnDatabase db;
  private final MatchingDatabase matching;
  private final long advisories;

  private LocalDatabase(VulnDatabase db) throws IOException {
    this.db = db;
    this.matching = MatchingDatabase.of(db);
    this.advisories = db.info().advisories();
  }

  /** The number of advisories the database holds. */
  public long advisories() {
    return advisories;
  }

  /** Opens the database in {@code dir}; fails with the scanner's message when there is none. */
  public static LocalDatabase open(Path dir) throws IOException {
    VulnDatabase db = VulnDatabase.open(dir);
    try {
      return new LocalDatabase(db);
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  public Optional<MatchingDatabase> database() {
    return Optional.of(matching);
  }

  @Override
  public void close() throws IOException {
    db.close();
  }
}
