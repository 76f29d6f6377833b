package dev.sekisho.scanner.cvss;

import dev.sekisho.api.v1alpha1.Severity;
import java.util.Optional;

/**
 * Base scores of CVSS vectors by version, the qualitative severity of a score, and which of several
 * vectors of one vulnerability to use.
 */
public final class Cvss {

  private Cvss() {}

  /**
   * The CVSS major version a vector claims: 4 for {@code CVSS:4.0/}, 3 for {@code CVSS:3.0/} and
   * {@code CVSS:3.1/}, 2 for {@code CVSS:2.0/} and for vectors without a {@code CVSS:} label (v2
   * vectors are published without one, sometimes in parentheses), 0 for other labels and null. Says
   * nothing about whether the rest of the vector is valid.
   */
  public static int version(String vector) {
    if (vector == null) {
      return 0;
    }
    String v = vector.startsWith("(") ? vector.substring(1) : vector;
    if (v.startsWith("CVSS:4.0/")) {
      return 4;
    }
    if (v.startsWith("CVSS:3.0/") || v.startsWith("CVSS:3.1/")) {
      return 3;
    }
    if (v.startsWith(CvssV2.PREFIX) || !v.startsWith("CVSS:")) {
      return 2;
    }
    return 0;
  }

  /**
   * The base score of a v2, v3.0, v3.1 or v4.0 vector, or empty for other versions and for vectors
   * that do not parse.
   */
  public static Optional<Double> baseScore(String vector) {
    try {
      return switch (version(vector)) {
        case 4 -> Optional.of(CvssV4.parse(vector).score());
        case 3 -> Optional.of(CvssV3.parse(vector).baseScore());
        case 2 -> Optional.of(CvssV2.parse(vector).baseScore());
        default -> Optional.empty();
      };
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The qualitative rating of a score of the given vector's version: for v2 vectors the v2 table
   * NVD uses (7.0–10.0 High, 4.0–6.9 Medium, 0.0–3.9 Low; v2 has no Critical), for all others
   * {@link #severityOf(double)}.
   */
  public static Severity severityOf(String vector, double score) {
    if (version(vector) == 2) {
      if (score >= 7.0) {
        return Severity.High;
      } else if (score >= 4.0) {
        return Severity.Medium;
      }
      return Severity.Low;
    }
    return severityOf(score);
  }

  /**
   * The qualitative rating of a v3.x or v4.0 base score (CVSS v3.1/v4.0 table): 9.0–10.0 Critical,
   * 7.0–8.9 High, 4.0–6.9 Medium, 0.1–3.9 Low; 0.0 ("None") is reported as Low. For a score that
   * may come from a v2 vector use {@link #severityOf(String, double)}.
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

  /**
   * Whether a vector and its score are to be used rather than another one for the same
   * vulnerability. Scores of different CVSS versions are not comparable, so: a vector with a score
   * wins over one without (an unparsable vector rates nothing), then the newer CVSS version wins
   * (v4.0 over v3.x over v2), then the higher score. On a tie the other one is kept, so the first
   * of equals stays chosen.
   *
   * @param vector the candidate vector, not null
   * @param score the candidate's score, or null when its vector was not scored
   * @param other the vector chosen so far, or null when there is none
   * @param otherScore its score, or null
   */
  public static boolean preferred(String vector, Double score, String other, Double otherScore) {
    if (other == null) {
      return true;
    }
    if ((score == null) != (otherScore == null)) {
      return score != null;
    }
    int v = version(vector);
    int o = version(other);
    if (v != o) {
      return v > o;
    }
    return score != null && score > otherScore;
  }
}
