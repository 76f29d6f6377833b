package dev.sekisho.scanner.cvss;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * A CVSS v3.0 or v3.1 vector and its base score, computed with the formulas of the CVSS v3.1
 * specification section 7 (and its Appendix A {@code Roundup}; v3.0 vectors use the v3.0 simple
 * round-up to one decimal).
 *
 * @param vector the vector as given
 * @param minorVersion 0 or 1
 * @param baseScore base score, 0.0–10.0
 */
public record CvssV3(String vector, int minorVersion, double baseScore) {

  /**
   * Parses a v3 vector ({@code CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H}); temporal and
   * environmental metrics may follow and are ignored for the base score.
   *
   * @throws IllegalArgumentException naming the vector when it is not a valid v3 vector
   */
  public static CvssV3 parse(String vector) {
    if (vector == null || !(vector.startsWith("CVSS:3.1/") || vector.startsWith("CVSS:3.0/"))) {
      throw new IllegalArgumentException("not a CVSS v3 vector: " + vector);
    }
    int minor = vector.charAt(7) - '0';
    Map<String, String> m = new HashMap<>();
    for (String part : vector.substring(9).split("/")) {
      int colon = part.indexOf(':');
      if (colon <= 0 || m.put(part.substring(0, colon), part.substring(colon + 1)) != null) {
        throw new IllegalArgumentException(
            "malformed or repeated metric \"" + part + "\" in " + vector);
      }
    }
    boolean changed = "C".equals(need(m, "S", vector, "U", "C"));
    double av =
        switch (need(m, "AV", vector, "N", "A", "L", "P")) {
          case "N" -> 0.85;
          case "A" -> 0.62;
          case "L" -> 0.55;
          default -> 0.2;
        };
    double ac = "L".equals(need(m, "AC", vector, "L", "H")) ? 0.77 : 0.44;
    double pr =
        switch (need(m, "PR", vector, "N", "L", "H")) {
          case "N" -> 0.85;
          case "L" -> changed ? 0.68 : 0.62;
          default -> changed ? 0.5 : 0.27;
        };
    double ui = "N".equals(need(m, "UI", vector, "N", "R")) ? 0.85 : 0.62;
    double c = cia(need(m, "C", vector, "H", "L", "N"));
    double i = cia(need(m, "I", vector, "H", "L", "N"));
    double a = cia(need(m, "A", vector, "H", "L", "N"));

    double iss = 1 - ((1 - c) * (1 - i) * (1 - a));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
    double exploitability = 8.22 * av * ac * pr * ui;
    double score;
    if (impact <= 0) {
      score = 0;
    } else if (changed) {
      score = roundUp(Math.min(1.08 * (impact + exploitability), 10), minor);
    } else {
      score = roundUp(Math.min(impact + exploitability, 10), minor);
    }
    return new CvssV3(vector, minor, score);
  }

  private static String need(Map<String, String> m, String key, String vector, String... allowed) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing base metric " + key + " in " + vector);
    }
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException("invalid value " + key + ":" + v + " in " + vector);
  }

  private static double cia(String v) {
    return switch (v) {
      case "H" -> 0.56;
      case "L" -> 0.22;
      default -> 0;
    };
  }

  /** v3.1 Appendix A Roundup (avoids floating-point artefacts); v3.0 plain ceiling. */
  static double roundUp(double x, int minor) {
    if (minor == 0) {
      return BigDecimal.valueOf(Math.ceil(x * 10) / 10).doubleValue();
    }
    long intInput = Math.round(x * 100000);
    if (intInput % 10000 == 0) {
      return intInput / 100000.0;
    }
    return (Math.floor(intInput / 10000.0) + 1) / 10.0;
  }
}
