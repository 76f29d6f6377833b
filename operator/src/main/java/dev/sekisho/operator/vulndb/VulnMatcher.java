package dev.sekisho.operator.vulndb;

import dev.sekisho.scanner.scan.MatchingDatabase;
import java.util.Optional;

/**
 * The vulnerability database the operator holds at this moment, as the one scan function ({@code
 * ScanPipeline}) matches against it. The seam between the operator and the scanner's database: an
 * update swaps what this returns, and a scan keeps the {@link MatchingDatabase} it was given, so it
 * finishes on the database it started with.
 */
@FunctionalInterface
public interface VulnMatcher {
  /**
   * The database held now (its {@link MatchingDatabase#version()} and {@link
   * MatchingDatabase#built()} describe it), or empty while none is loaded (the scan API answers 503
   * then).
   */
  Optional<MatchingDatabase> database();
}
