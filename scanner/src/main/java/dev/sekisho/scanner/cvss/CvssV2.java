package dev.sekisho.scanner.cvss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A CVSS v2 vector and its base score, computed with the base equation of FIRST's CVSS v2
 * specification (section 3.2.1):
 *
 * <pre>
 * BaseScore      = round_to_1_decimal(((0.6*Impact)+(0.4*Exploitability)-1.5)*f(Impact))
 * Impact         = 10.41*(1-(1-ConfImpact)*(1-IntegImpact)*(1-AvailImpact))
 * Exploitability = 20*AccessVector*AccessComplexity*Authentication
 * f(Impact)      = 0 if Impact=0, 1.176 otherwise
 * </pre>
 *
 * <p>The arithmetic is done in decimal ({@link BigDecimal}) so that {@code round_to_1_decimal}
 * (half up) sees the exact value of the equation, not a binary approximation of it.
 *
 * @param vector the vector as given
 * @param baseScore base score, 0.0–10.0
 */
public record CvssV2(String vector, double baseScore) {

  /** The prefix some feeds put before a v2 vector; OSV and NVD publish v2 vectors without one. */
  static final String PREFIX = "CVSS:2.0/";

  /** Temporal and environmental metrics: validated, but they do not change the base score. */
  private static final Map<String, Set<String>> OTHER =
      Map.of(
          "E", Set.of("U", "POC", "F", "H", "ND"),
          "RL", Set.of("OF", "TF", "W", "U", "ND"),
          "RC", Set.of("UC", "UR", "C", "ND"),
          "CDP", Set.of("N", "L", "LM", "MH", "H", "ND"),
          "TD", Set.of("N", "L", "M", "H", "ND"),
          "CR", Set.of("L", "M", "H", "ND"),
          "IR", Set.of("L", "M", "H", "ND"),
          "AR", Set.of("L", "M", "H", "ND"));

  private static final BigDecimal ONE = BigDecimal.ONE;

  /**
   * Parses a v2 vector ({@code AV:N/AC:L/Au:N/C:P/I:P/A:P}), optionally in parentheses and
   * optionally after a {@code CVSS:2.0/} prefix. Each of the six base metrics must appear exactly
   * once with a value the specification defines; temporal and environmental metrics (E, RL, RC,
   * CDP, TD, CR, IR, AR) may follow, are checked the same way and are ignored for the base score.
   *
   * @throws IllegalArgumentException naming the vector and the bad part when it is not a valid v2
   *     vector
   */
  public static CvssV2 parse(String vector) {
    if (vector == null || vector.isEmpty()) {
      throw new IllegalArgumentException("empty CVSS v2 vector");
    }
    String body = vector;
    if (body.startsWith("(")) {
      if (!body.endsWith(")")) {
        throw new IllegalArgumentException("unbalanced parenthesis in CVSS v2 vector " + vector);
      }
      body = body.substring(1, body.length() - 1);
    }
    if (body.startsWith(PREFIX)) {
      body = body.substring(PREFIX.length());
    } else if (body.startsWith("CVSS:")) {
      throw new IllegalArgumentException("not a CVSS v2 vector: " + vector);
    }
    Map<String, String> m = new HashMap<>();
    for (String part : body.split("/", -1)) {
      int colon = part.indexOf(':');
      if (colon <= 0 || colon == part.length() - 1) {
        throw new IllegalArgumentException(
            "malformed metric \"" + part + "\" in CVSS v2 vector " + vector);
      }
      String key = part.substring(0, colon);
      String value = part.substring(colon + 1);
      if (m.put(key, value) != null) {
        throw new IllegalArgumentException(
            "repeated metric " + key + " in CVSS v2 vector " + vector);
      }
      Set<String> other = OTHER.get(key);
      if (other != null && !other.contains(value)) {
        throw new IllegalArgumentException(
            "invalid value " + part + " in CVSS v2 vector " + vector);
      }
      if (other == null && !isBase(key)) {
        throw new IllegalArgumentException(
            "unknown metric " + part + " in CVSS v2 vector " + vector);
      }
    }
    BigDecimal av =
        switch (need(m, "AV", vector, "L", "A", "N")) {
          case "L" -> dec("0.395");
          case "A" -> dec("0.646");
          default -> dec("1.0");
        };
    BigDecimal ac =
        switch (need(m, "AC", vector, "H", "M", "L")) {
          case "H" -> dec("0.35");
          case "M" -> dec("0.61");
          default -> dec("0.71");
        };
    BigDecimal au =
        switch (need(m, "Au", vector, "M", "S", "N")) {
          case "M" -> dec("0.45");
          case "S" -> dec("0.56");
          default -> dec("0.704");
        };
    BigDecimal c = impact(need(m, "C", vector, "N", "P", "C"));
    BigDecimal i = impact(need(m, "I", vector, "N", "P", "C"));
    BigDecimal a = impact(need(m, "A", vector, "N", "P", "C"));

    BigDecimal impact =
        dec("10.41")
            .multiply(
                ONE.subtract(ONE.subtract(c).multiply(ONE.subtract(i)).multiply(ONE.subtract(a))));
    BigDecimal exploitability = dec("20").multiply(av).multiply(ac).multiply(au);
    BigDecimal f = impact.signum() == 0 ? BigDecimal.ZERO : dec("1.176");
    BigDecimal score =
        dec("0.6")
            .multiply(impact)
            .add(dec("0.4").multiply(exploitability))
            .subtract(dec("1.5"))
            .multiply(f)
            .setScale(1, RoundingMode.HALF_UP);
    return new CvssV2(vector, score.doubleValue());
  }

  private static boolean isBase(String key) {
    return switch (key) {
      case "AV", "AC", "Au", "C", "I", "A" -> true;
      default -> false;
    };
  }

  private static String need(Map<String, String> m, String key, String vector, String... allowed) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException(
          "missing base metric " + key + " in CVSS v2 vector " + vector);
    }
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "invalid value " + key + ":" + v + " in CVSS v2 vector " + vector);
  }

  private static BigDecimal impact(String v) {
    return switch (v) {
      case "P" -> dec("0.275");
      case "C" -> dec("0.660");
      default -> BigDecimal.ZERO;
    };
  }

  private static BigDecimal dec(String s) {
    return new BigDecimal(s);
  }
}
