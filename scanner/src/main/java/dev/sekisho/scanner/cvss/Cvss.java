package dev.sekisho.scanner.cvss;

import dev.sekisho.api.v1alpha1.Severity;
import java.util.Optional;

/** Base scores of CVSS vectors by version, and the qualitative severity of a score. */
public final class Cvss {

  private Cvss() {}

  /**
   * The score of a v3.0, v3.1 or v4.0 vector, or empty for other versions (v2 is not computed: OSV
   * and the distributions publish v3 or v4 vectors alongside it) and for vectors that do not parse.
   */
  public static Optional<Double> baseScore(String vector) {
    if (vector == null) {
      return Optional.empty();
    }
    try {
      if (vector.startsWith("CVSS:3.")) {
        return Optional.of(CvssV3.parse(vector).baseScore());
      }
      if (vector.startsWith("CVSS:4.0/")) {
        return Optional.of(CvssV4.parse(vector).score());
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The qualitative rating of a base score (CVSS v3.1/v4.0 table): 9.0–10.0 Critical, 7.0–8.9 High,
   * 4.0–6.9 Medium, 0.1–3.9 Low; 0.0 ("None") is reported as Low.
   */
  public static Severity severityOf(double score) {
    if (score >= 9.0) {
      return Severity.Critical;
    } else if (score >= 7.0) {
      return Severity.High;
    } else if (score >= 4.0) {
      return Severity.Medium;
    }
    return Severity.Low;
  }
}
