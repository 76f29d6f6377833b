package dev.sekisho.operator;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A testing aid: the points of a submission and of a database update where the crash-safety tests
 * kill the operator. {@link Main} arms at most one point from {@code SEKISHO_CRASH_AT=<point>},
 * read once at start-up; the process then halts with status 137 (what SIGKILL gives: no shutdown
 * hook, no finally block, no flush) the first time it reaches that point. Unset (always, in a
 * cluster: neither the chart nor the kustomize manifests set it) nothing is armed and {@link
 * #reach()} does nothing. Operators started in a test JVM ({@code RunningOperator}) are never
 * armed.
 */
public enum CrashPoint {
  /** A submission is scanned; its report is not stored yet. */
  BEFORE_STORE("before-store"),
  /** The report's temporary file is written; it is not yet moved into place. */
  STORE_WRITE("store-write"),
  /** The report is stored; its ScanResult is not written yet. */
  AFTER_STORE("after-store"),
  /** The reconciler decided a new ScanResult (its first verdict); the status patch is not sent. */
  STATUS_WRITE("status-write"),
  /** A new ScanResult's first status is written; the verdict Event and the answer are not. */
  AFTER_STATUS_WRITE("after-status-write"),
  /** A database is half built in the staging directory ({@code vulndb/next}). */
  DB_BUILD("db-build"),
  /**
   * A new database is built and checked in the staging directory, not yet renamed over the one
   * served.
   */
  DB_SWAP("db-swap"),
  /** The new database is renamed over the served one, not yet opened and served. */
  DB_SWAPPED("db-swapped");

  /** The environment variable {@link Main} reads. */
  public static final String ENV = "SEKISHO_CRASH_AT";

  private static final Logger LOG = LoggerFactory.getLogger(CrashPoint.class);
  private static volatile CrashPoint armed;

  private final String id;

  CrashPoint(String id) {
    this.id = id;
  }

  /** The point's name in {@value #ENV}. */
  public String id() {
    return id;
  }

  /**
   * Arms the point named by {@value #ENV} in {@code env}, if any (called once, by {@link Main}).
   *
   * @return the armed point, or null
   * @throws IllegalArgumentException naming the variable and the known points when the value is not
   *     one
   */
  static CrashPoint arm(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      armed = null;
      return null;
    }
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    CrashPoint point =
        Arrays.stream(values())
            .filter(p -> p.id.equals(wanted))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        ENV
                            + "="
                            + value
                            + ": not a crash point (a testing aid; one of "
                            + Arrays.stream(values())
                                .map(CrashPoint::id)
                                .collect(Collectors.joining(", "))
                            + ")"));
    armed = point;
    return point;
  }

  /** Halts the process with status 137 when this point is the armed one; otherwise nothing. */
  public void reach() {
    if (armed == this) {
      LOG.warn("crash point reached, halting point={} ({}, a testing aid)", id, ENV);
      Runtime.getRuntime().halt(137);
    }
  }
}
