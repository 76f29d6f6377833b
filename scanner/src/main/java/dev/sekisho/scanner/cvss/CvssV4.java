package dev.sekisho.scanner.cvss;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CVSS v4.0 vector and its score, computed as the CVSS v4.0 specification (section 8) and FIRST's
 * reference calculator do: the vector's MacroVector (equivalence classes EQ1–EQ6) is looked up in
 * the expert-rated table, then the score is lowered by the mean of the proportional severity
 * distances from the highest-severity vectors of that MacroVector towards the next lower ones.
 *
 * <p>Hand-written rather than taken from a library: the Java library that offers v4.0 on Maven
 * Central (us.springett:cvss-calculator 1.5.1) differs from the reference scores on rounding edge
 * cases (for example {@code AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H}: 4.9 instead of
 * the reference 5.0), and the algorithm is a table and a few sums. The arithmetic follows the
 * reference step by step so that doubles round identically.
 *
 * <p>Threat ({@code E}) and environmental metrics take part when the vector carries them, as in the
 * reference calculator (its "CVSS-BTE" score); supplemental metrics do not change the score.
 *
 * @param vector the vector as given
 * @param score the score, 0.0–10.0
 * @param macroVector the six EQ levels, e.g. {@code "000200"}
 */
public record CvssV4(String vector, double score, String macroVector) {

  private static final List<String> BASE =
      List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA");

  private static final Map<String, Set<String>> ALLOWED = new HashMap<>();

  static {
    String[][] allowed = {
      {"AV", "N", "A", "L", "P"},
      {"AC", "L", "H"},
      {"AT", "N", "P"},
      {"PR", "N", "L", "H"},
      {"UI", "N", "P", "A"},
      {"VC", "N", "L", "H"},
      {"VI", "N", "L", "H"},
      {"VA", "N", "L", "H"},
      {"SC", "N", "L", "H"},
      {"SI", "N", "L", "H"},
      {"SA", "N", "L", "H"},
      {"E", "X", "A", "P", "U"},
      {"CR", "X", "H", "M", "L"},
      {"IR", "X", "H", "M", "L"},
      {"AR", "X", "H", "M", "L"},
      {"MAV", "X", "N", "A", "L", "P"},
      {"MAC", "X", "L", "H"},
      {"MAT", "X", "N", "P"},
      {"MPR", "X", "N", "L", "H"},
      {"MUI", "X", "N", "P", "A"},
      {"MVC", "X", "H", "L", "N"},
      {"MVI", "X", "H", "L", "N"},
      {"MVA", "X", "H", "L", "N"},
      {"MSC", "X", "H", "L", "N"},
      {"MSI", "X", "S", "H", "L", "N"},
      {"MSA", "X", "S", "H", "L", "N"},
      {"S", "X", "N", "P"},
      {"AU", "X", "N", "Y"},
      {"R", "X", "A", "U", "I"},
      {"V", "X", "D", "C"},
      {"RE", "X", "L", "M", "H"},
      {"U", "X", "Clear", "Green", "Amber", "Red"},
    };
    for (String[] row : allowed) {
      ALLOWED.put(row[0], Set.of(java.util.Arrays.copyOfRange(row, 1, row.length)));
    }
  }

  /** The scores of the 270 MacroVectors (CVSS v4.0 specification, lookup table). */
  private static final Map<String, Double> LOOKUP = new HashMap<>();

  static {
    String table =
        """
        000000 10 000001 9.9 000010 9.8 000011 9.5 000020 9.5 000021 9.2 000100 10 000101 9.6
        000110 9.3 000111 8.7 000120 9.1 000121 8.1 000200 9.3 000201 9 000210 8.9 000211 8
        000220 8.1 000221 6.8 001000 9.8 001001 9.5 001010 9.5 001011 9.2 001020 9 001021 8.4
        001100 9.3 001101 9.2 001110 8.9 001111 8.1 001120 8.1 001121 6.5 001200 8.8 001201 8
        001210 7.8 001211 7 001220 6.9 001221 4.8 002001 9.2 002011 8.2 002021 7.2 002101 7.9
        002111 6.9 002121 5 002201 6.9 002211 5.5 002221 2.7 010000 9.9 010001 9.7 010010 9.5
        010011 9.2 010020 9.2 010021 8.5 010100 9.5 010101 9.1 010110 9 010111 8.3 010120 8.4
        010121 7.1 010200 9.2 010201 8.1 010210 8.2 010211 7.1 010220 7.2 010221 5.3 011000 9.5
        011001 9.3 011010 9.2 011011 8.5 011020 8.5 011021 7.3 011100 9.2 011101 8.2 011110 8
        011111 7.2 011120 7 011121 5.9 011200 8.4 011201 7 011210 7.1 011211 5.2 011220 5
        011221 3 012001 8.6 012011 7.5 012021 5.2 012101 7.1 012111 5.2 012121 2.9 012201 6.3
        012211 2.9 012221 1.7 100000 9.8 100001 9.5 100010 9.4 100011 8.7 100020 9.1 100021 8.1
        100100 9.4 100101 8.9 100110 8.6 100111 7.4 100120 7.7 100121 6.4 100200 8.7 100201 7.5
        100210 7.4 100211 6.3 100220 6.3 100221 4.9 101000 9.4 101001 8.9 101010 8.8 101011 7.7
        101020 7.6 101021 6.7 101100 8.6 101101 7.6 101110 7.4 101111 5.8 101120 5.9 101121 5
        101200 7.2 101201 5.7 101210 5.7 101211 5.2 101220 5.2 101221 2.5 102001 8.3 102011 7
        102021 5.4 102101 6.5 102111 5.8 102121 2.6 102201 5.3 102211 2.1 102221 1.3 110000 9.5
        110001 9 110010 8.8 110011 7.6 110020 7.6 110021 7 110100 9 110101 7.7 110110 7.5
        110111 6.2 110120 6.1 110121 5.3 110200 7.7 110201 6.6 110210 6.8 110211 5.9 110220 5.2
        110221 3 111000 8.9 111001 7.8 111010 7.6 111011 6.7 111020 6.2 111021 5.8 111100 7.4
        111101 5.9 111110 5.7 111111 5.7 111120 4.7 111121 2.3 111200 6.1 111201 5.2 111210 5.7
        111211 2.9 111220 2.4 111221 1.6 112001 7.1 112011 5.9 112021 3 112101 5.8 112111 2.6
        112121 1.5 112201 2.3 112211 1.3 112221 0.6 200000 9.3 200001 8.7 200010 8.6 200011 7.2
        200020 7.5 200021 5.8 200100 8.6 200101 7.4 200110 7.4 200111 6.1 200120 5.6 200121 3.4
        200200 7 200201 5.4 200210 5.2 200211 4 200220 4 200221 2.2 201000 8.5 201001 7.5
        201010 7.4 201011 5.5 201020 6.2 201021 5.1 201100 7.2 201101 5.7 201110 5.5 201111 4.1
        201120 4.6 201121 1.9 201200 5.3 201201 3.6 201210 3.4 201211 1.9 201220 1.9 201221 0.8
        202001 6.4 202011 5.1 202021 2 202101 4.7 202111 2.1 202121 1.1 202201 2.4 202211 0.9
        202221 0.4 210000 8.8 210001 7.5 210010 7.3 210011 5.3 210020 6 210021 5 210100 7.3
        210101 5.5 210110 5.9 210111 4 210120 4.1 210121 2 210200 5.4 210201 4.3 210210 4.5
        210211 2.2 210220 2 210221 1.1 211000 7.5 211001 5.5 211010 5.8 211011 4.5 211020 4
        211021 2.1 211100 6.1 211101 5.1 211110 4.8 211111 1.8 211120 2 211121 0.9 211200 4.6
        211201 1.8 211210 1.7 211211 0.7 211220 0.8 211221 0.2 212001 5.3 212011 2.4 212021 1.4
        212101 2.4 212111 1.2 212121 0.5 212201 1 212211 0.3 212221 0.1
        """;
    String[] f = table.strip().split("\\s+");
    for (int i = 0; i < f.length; i += 2) {
      LOOKUP.put(f[i], Double.parseDouble(f[i + 1]));
    }
  }

  /** Severity levels of metric values, used for the distances within a MacroVector. */
  private static final Map<String, Map<String, Double>> LEVELS = new java.util.LinkedHashMap<>();

  static {
    LEVELS.put("AV", Map.of("N", 0.0, "A", 0.1, "L", 0.2, "P", 0.3));
    LEVELS.put("PR", Map.of("N", 0.0, "L", 0.1, "H", 0.2));
    LEVELS.put("UI", Map.of("N", 0.0, "P", 0.1, "A", 0.2));
    LEVELS.put("AC", Map.of("L", 0.0, "H", 0.1));
    LEVELS.put("AT", Map.of("N", 0.0, "P", 0.1));
    LEVELS.put("VC", Map.of("H", 0.0, "L", 0.1, "N", 0.2));
    LEVELS.put("VI", Map.of("H", 0.0, "L", 0.1, "N", 0.2));
    LEVELS.put("VA", Map.of("H", 0.0, "L", 0.1, "N", 0.2));
    LEVELS.put("SC", Map.of("H", 0.1, "L", 0.2, "N", 0.3));
    LEVELS.put("SI", Map.of("S", 0.0, "H", 0.1, "L", 0.2, "N", 0.3));
    LEVELS.put("SA", Map.of("S", 0.0, "H", 0.1, "L", 0.2, "N", 0.3));
    LEVELS.put("CR", Map.of("H", 0.0, "M", 0.1, "L", 0.2));
    LEVELS.put("IR", Map.of("H", 0.0, "M", 0.1, "L", 0.2));
    LEVELS.put("AR", Map.of("H", 0.0, "M", 0.1, "L", 0.2));
    LEVELS.put("E", Map.of("U", 0.2, "P", 0.1, "A", 0.0));
  }

  /** The highest-severity vectors of each EQ level (EQ3 by EQ6 level). */
  private static final String[][] EQ1_MAX = {
    {"AV:N/PR:N/UI:N"},
    {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
    {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"},
  };

  private static final String[][] EQ2_MAX = {{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}};

  private static final String[][][] EQ3_EQ6_MAX = {
    {
      {"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"},
      {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}
    },
    {
      {"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
      {
        "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H",
        "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
        "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
        "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
        "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"
      }
    },
    {{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}},
  };

  private static final String[][] EQ4_MAX = {
    {"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}
  };

  private static final String[][] EQ5_MAX = {{"E:A"}, {"E:P"}, {"E:U"}};

  /** Depths of the MacroVectors (maximal severity distance within one, plus one). */
  private static final int[] EQ1_DEPTH = {1, 4, 5};

  private static final int[] EQ2_DEPTH = {1, 2};
  private static final int[][] EQ3_EQ6_DEPTH = {{7, 6}, {8, 8}, {0, 10}};
  private static final int[] EQ4_DEPTH = {6, 5, 4};

  private static final double STEP = 0.1;

  /**
   * Parses a v4.0 vector ({@code CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N})
   * and computes its score. All eleven base metrics are required; threat, environmental and
   * supplemental metrics may follow.
   *
   * @throws IllegalArgumentException naming the vector when it is not a valid v4.0 vector
   */
  public static CvssV4 parse(String vector) {
    if (vector == null || !vector.startsWith("CVSS:4.0/")) {
      throw new IllegalArgumentException("not a CVSS v4.0 vector: " + vector);
    }
    Map<String, String> m = new HashMap<>();
    for (String part : vector.substring(9).split("/")) {
      int colon = part.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("malformed metric \"" + part + "\" in " + vector);
      }
      String key = part.substring(0, colon);
      String value = part.substring(colon + 1);
      Set<String> allowed = ALLOWED.get(key);
      if (allowed == null) {
        throw new IllegalArgumentException("unknown metric \"" + part + "\" in " + vector);
      }
      if (!allowed.contains(value)) {
        throw new IllegalArgumentException("invalid value " + part + " in " + vector);
      }
      if (m.put(key, value) != null) {
        throw new IllegalArgumentException("repeated metric " + key + " in " + vector);
      }
    }
    for (String b : BASE) {
      if (!m.containsKey(b)) {
        throw new IllegalArgumentException("missing base metric " + b + " in " + vector);
      }
    }
    Metrics metrics = new Metrics(m);
    String macro = metrics.macroVector();
    return new CvssV4(vector, score(metrics, macro), macro);
  }

  /** The metric values as the score sees them (modified metrics and worst-case defaults). */
  private record Metrics(Map<String, String> given) {

    String raw(String metric) {
      return given.getOrDefault(metric, "X");
    }

    String effective(String metric) {
      String v = raw(metric);
      if ("X".equals(v)) {
        switch (metric) {
          case "E":
            return "A";
          case "CR", "IR", "AR":
            return "H";
          default:
            break;
        }
      }
      String modified = given.get("M" + metric);
      if (modified != null && !"X".equals(modified)) {
        return modified;
      }
      return v;
    }

    boolean is(String metric, String value) {
      return value.equals(effective(metric));
    }

    String macroVector() {
      boolean avN = is("AV", "N");
      boolean prN = is("PR", "N");
      boolean uiN = is("UI", "N");
      int eq1;
      if (avN && prN && uiN) {
        eq1 = 0;
      } else if ((avN || prN || uiN) && !is("AV", "P")) {
        eq1 = 1;
      } else {
        eq1 = 2;
      }
      int eq2 = is("AC", "L") && is("AT", "N") ? 0 : 1;
      boolean vcH = is("VC", "H");
      boolean viH = is("VI", "H");
      int eq3;
      if (vcH && viH) {
        eq3 = 0;
      } else if (vcH || viH || is("VA", "H")) {
        eq3 = 1;
      } else {
        eq3 = 2;
      }
      int eq4;
      if ("S".equals(raw("MSI")) || "S".equals(raw("MSA"))) {
        eq4 = 0;
      } else if (is("SC", "H") || is("SI", "H") || is("SA", "H")) {
        eq4 = 1;
      } else {
        eq4 = 2;
      }
      int eq5 =
          switch (effective("E")) {
            case "A" -> 0;
            case "P" -> 1;
            default -> 2;
          };
      int eq6 =
          (is("CR", "H") && vcH) || (is("IR", "H") && viH) || (is("AR", "H") && is("VA", "H"))
              ? 0
              : 1;
      return "" + eq1 + eq2 + eq3 + eq4 + eq5 + eq6;
    }
  }

  private static double lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
    Double v = LOOKUP.get("" + eq1 + eq2 + eq3 + eq4 + eq5 + eq6);
    return v == null ? Double.NaN : v;
  }

  private static double score(Metrics m, String macro) {
    boolean noImpact = true;
    for (String metric : new String[] {"VC", "VI", "VA", "SC", "SI", "SA"}) {
      noImpact &= m.is(metric, "N");
    }
    if (noImpact) {
      return 0.0;
    }
    int eq1 = macro.charAt(0) - '0';
    int eq2 = macro.charAt(1) - '0';
    int eq3 = macro.charAt(2) - '0';
    int eq4 = macro.charAt(3) - '0';
    int eq5 = macro.charAt(4) - '0';
    int eq6 = macro.charAt(5) - '0';
    double value = LOOKUP.get(macro);

    double lowerEq1 = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
    double lowerEq2 = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
    double lowerEq3Eq6;
    if (eq3 == 0 && eq6 == 0) {
      // two ways down: take the higher
      lowerEq3Eq6 =
          Math.max(
              lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1), lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
    } else if (eq3 == 1 && eq6 == 0) {
      lowerEq3Eq6 = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    } else if (eq6 == 1 && eq3 < 2) {
      lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    } else {
      lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1);
    }
    double lowerEq4 = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
    double lowerEq5 = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

    // the first highest-severity vector of the MacroVector that the vector does not exceed
    Map<String, Double> distances = null;
    search:
    for (String a : EQ1_MAX[eq1]) {
      for (String b : EQ2_MAX[eq2]) {
        for (String c : EQ3_EQ6_MAX[eq3][eq6]) {
          for (String d : EQ4_MAX[eq4]) {
            for (String e : EQ5_MAX[eq5]) {
              Map<String, Double> dist = distances(m, a + "/" + b + "/" + c + "/" + d + "/" + e);
              if (dist.values().stream().allMatch(x -> x >= 0)) {
                distances = dist;
                break search;
              }
            }
          }
        }
      }
    }
    if (distances == null) {
      throw new IllegalStateException("no highest-severity vector for MacroVector " + macro);
    }
    double distEq1 = distances.get("AV") + distances.get("PR") + distances.get("UI");
    double distEq2 = distances.get("AC") + distances.get("AT");
    double distEq3Eq6 =
        distances.get("VC")
            + distances.get("VI")
            + distances.get("VA")
            + distances.get("CR")
            + distances.get("IR")
            + distances.get("AR");
    double distEq4 = distances.get("SC") + distances.get("SI") + distances.get("SA");

    int existingLower = 0;
    double n1 = 0;
    double n2 = 0;
    double n3 = 0;
    double n4 = 0;
    double n5 = 0;
    if (!Double.isNaN(value - lowerEq1)) {
      existingLower++;
      n1 = (value - lowerEq1) * (distEq1 / (EQ1_DEPTH[eq1] * STEP));
    }
    if (!Double.isNaN(value - lowerEq2)) {
      existingLower++;
      n2 = (value - lowerEq2) * (distEq2 / (EQ2_DEPTH[eq2] * STEP));
    }
    if (!Double.isNaN(value - lowerEq3Eq6)) {
      existingLower++;
      n3 = (value - lowerEq3Eq6) * (distEq3Eq6 / (EQ3_EQ6_DEPTH[eq3][eq6] * STEP));
    }
    if (!Double.isNaN(value - lowerEq4)) {
      existingLower++;
      n4 = (value - lowerEq4) * (distEq4 / (EQ4_DEPTH[eq4] * STEP));
    }
    if (!Double.isNaN(value - lowerEq5)) {
      // the distance within EQ5 is always 0
      existingLower++;
      n5 = (value - lowerEq5) * 0;
    }
    double mean = existingLower == 0 ? 0 : (n1 + n2 + n3 + n4 + n5) / existingLower;
    return round1(Math.max(0, Math.min(10, value - mean)));
  }

  private static Map<String, Double> distances(Metrics m, String maxVector) {
    Map<String, String> max = new HashMap<>();
    for (String part : maxVector.split("/")) {
      int colon = part.indexOf(':');
      max.put(part.substring(0, colon), part.substring(colon + 1));
    }
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<String, Map<String, Double>> level : LEVELS.entrySet()) {
      String metric = level.getKey();
      out.put(
          metric,
          level.getValue().get(m.effective(metric)) - level.getValue().get(max.get(metric)));
    }
    return out;
  }

  /**
   * Round half up to one decimal after lifting the value by 1e-6, as FIRST's calculator does: the
   * interpolation can land one ulp below an x.x5 tie (4.949999… for 4.95), which a bare round would
   * send the wrong way.
   */
  private static double round1(double x) {
    return Math.round((x + 1e-6) * 10) / 10.0;
  }
}
