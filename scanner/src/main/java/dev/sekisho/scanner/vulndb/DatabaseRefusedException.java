package dev.sekisho.scanner.vulndb;

import java.io.IOException;

/**
 * A build that {@link DatabaseUpdater} refused to put in place: the new database would be empty, or
 * much smaller than the one it replaces. The current database stays as it was.
 */
public final class DatabaseRefusedException extends IOException {

  /** Why the new database was refused. */
  public enum Reason {
    /** It would hold no advisories. */
    EMPTY,
    /** It would hold fewer than {@link DatabaseUpdater#SHRINK_LIMIT} of the current advisories. */
    SHRINK
  }

  private final Reason reason;
  private final long advisories;
  private final long previousAdvisories;

  public DatabaseRefusedException(
      Reason reason, long advisories, long previousAdvisories, String message) {
    super(message);
    this.reason = reason;
    this.advisories = advisories;
    this.previousAdvisories = previousAdvisories;
  }

  public Reason reason() {
    return reason;
  }

  /** Advisories the refused database would have held. */
  public long advisories() {
    return advisories;
  }

  /** Advisories of the database kept, or -1 when there is none. */
  public long previousAdvisories() {
    return previousAdvisories;
  }
}
