package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.api.v1alpha1.Severity;
import java.util.Locale;

/**
 * Reads the ratings and fix states that OSV records carry outside CVSS: Debian's {@code
 * ecosystem_specific.urgency}, Ubuntu's {@code severity[type=Ubuntu]} priority, Red Hat's and
 * GitHub's {@code severity} words, and will-not-fix states.
 */
final class Ratings {

  private Ratings() {}

  /**
   * A distribution's or database's word for a severity, or null when it does not rate (Debian "not
   * yet assigned", "end-of-life", "unknown", …). Debian's "unimportant" and Ubuntu's "negligible"
   * are Low; Red Hat's "Moderate"/"Important" and GitHub's "MODERATE" map to Medium/High.
   */
  static Severity fromWord(String word) {
    if (word == null) {
      return null;
    }
    String w = word.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", "");
    return switch (w) {
      case "critical" -> Severity.Critical;
      case "high", "important" -> Severity.High;
      case "medium", "moderate" -> Severity.Medium;
      case "low", "negligible", "unimportant" -> Severity.Low;
      default -> null;
    };
  }

  /** The rating of an affected entry's {@code ecosystem_specific}/{@code database_specific}. */
  static Severity fromSpecific(JsonNode ecosystemSpecific, JsonNode databaseSpecific) {
    for (JsonNode n : new JsonNode[] {ecosystemSpecific, databaseSpecific}) {
      if (n == null || !n.isObject()) {
        continue;
      }
      for (String key : new String[] {"urgency", "severity", "priority"}) {
        JsonNode v = n.get(key);
        if (v != null && v.isTextual()) {
          Severity s = fromWord(v.asText());
          if (s != null) {
            return s;
          }
        }
      }
    }
    return null;
  }

  /**
   * True when a will-not-fix state is stated in {@code status}, {@code fix_state}, {@code
   * fix_status}, {@code state} or {@code resolution} ("will not fix", "wont_fix", "ignored",
   * "no-dsa", "end-of-life", "out of support scope"), or as Debian urgency "end-of-life".
   */
  static boolean wontFix(JsonNode ecosystemSpecific, JsonNode databaseSpecific) {
    for (JsonNode n : new JsonNode[] {ecosystemSpecific, databaseSpecific}) {
      if (n == null || !n.isObject()) {
        continue;
      }
      for (String key :
          new String[] {"status", "fix_state", "fix_status", "state", "resolution", "urgency"}) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
          continue;
        }
        String t = v.asText().toLowerCase(Locale.ROOT).replace('_', ' ').replace("'", "");
        if (t.contains("will not fix")
            || t.contains("wont fix")
            || t.equals("ignored")
            || t.equals("no-dsa")
            || t.equals("end-of-life")
            || t.equals("out of support scope")) {
          return true;
        }
      }
    }
    return false;
  }
}
