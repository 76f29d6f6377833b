package dev.sekisho.scanner.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Composer (Packagist) package version. Parsing follows Composer's {@code
 * VersionParser::normalize} for tagged versions: a leading {@code v} is dropped, the numbers are
 * padded to four ({@code 1.2} → {@code 1.2.0.0}), stability suffixes are expanded ({@code a} →
 * alpha, {@code b} → beta, {@code rc} → RC, {@code p}/{@code pl} → patch; {@code stable} dropped)
 * and a {@code -dev} suffix kept. Ordering is PHP's {@code version_compare} on the normalised form,
 * as Composer does: {@code dev < alpha < beta < RC < release < patch}. Branch names ({@code
 * dev-main}, {@code 1.x-dev}) are not versions and are rejected.
 */
public final class ComposerVersion implements Comparable<ComposerVersion> {

  /** The Composer scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("composer", ComposerVersion::parse);

  private static final String MODIFIER =
      "[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";
  private static final Pattern CLASSICAL =
      Pattern.compile(
          "^v?(\\d{1,5})(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER + "$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern DATE =
      Pattern.compile(
          "^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})" + MODIFIER + "$",
          Pattern.CASE_INSENSITIVE);

  private final String original;
  private final String normalized;
  private final List<String> parts;

  private ComposerVersion(String original, String normalized) {
    this.original = original;
    this.normalized = normalized;
    this.parts = canonicalParts(normalized);
  }

  /** Parses and normalises a Composer version. */
  public static ComposerVersion parse(String version) {
    if (version == null || version.isBlank()) {
      throw new InvalidVersionException("composer", String.valueOf(version), "empty");
    }
    String v = version.strip();
    int plus = v.indexOf('+');
    if (plus >= 0) {
      v = v.substring(0, plus); // build metadata
    }
    Matcher m = CLASSICAL.matcher(v);
    String base;
    int group;
    if (m.matches()) {
      StringBuilder sb = new StringBuilder(m.group(1));
      for (int i = 2; i <= 4; i++) {
        sb.append(m.group(i) != null ? m.group(i) : ".0");
      }
      base = sb.toString();
      group = 5;
    } else {
      m = DATE.matcher(v);
      if (!m.matches()) {
        throw new InvalidVersionException("composer", version, "not a tagged version");
      }
      base = m.group(1).replaceAll("\\D", ".");
      group = 2;
    }
    StringBuilder out = new StringBuilder(base);
    String stability = m.group(group);
    if (stability != null && !stability.equalsIgnoreCase("stable")) {
      out.append('-').append(expandStability(stability));
      String n = m.group(group + 1);
      if (n != null && !n.isEmpty()) {
        out.append(n.replaceFirst("^[.-]", ""));
      }
    }
    if (m.group(group + 2) != null) {
      out.append("-dev");
    }
    return new ComposerVersion(version, out.toString());
  }

  private static String expandStability(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "a" -> "alpha";
      case "b" -> "beta";
      case "p", "pl" -> "patch";
      case "rc" -> "RC";
      default -> s.toLowerCase(Locale.ROOT);
    };
  }

  /** The normalised version ("1.2.0.0-beta1"). */
  public String normalized() {
    return normalized;
  }

  /** PHP's version_compare canonicalisation: separators to dots, dots between digit/non-digit. */
  private static List<String> canonicalParts(String v) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int prevKind = -1; // 0 digit, 1 other
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '.' || c == '-' || c == '_' || c == '+') {
        if (!cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        prevKind = -1;
        continue;
      }
      int kind = Character.isDigit(c) ? 0 : 1;
      if (prevKind != -1 && kind != prevKind && !cur.isEmpty()) {
        out.add(cur.toString());
        cur.setLength(0);
      }
      cur.append(c);
      prevKind = kind;
    }
    if (!cur.isEmpty()) {
      out.add(cur.toString());
    }
    return out;
  }

  /** PHP's special forms; anything unknown sorts below "dev". */
  private static int specialOrder(String form) {
    String[][] forms = {
      {"dev", "0"},
      {"alpha", "1"},
      {"a", "1"},
      {"beta", "2"},
      {"b", "2"},
      {"RC", "3"},
      {"rc", "3"},
      {"#", "4"},
      {"pl", "5"},
      {"p", "5"}
    };
    for (String[] f : forms) {
      if (form.startsWith(f[0])) {
        return Integer.parseInt(f[1]);
      }
    }
    return -6;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && Character.isDigit(s.charAt(0));
  }

  private static int comparePart(String a, String b) {
    if (isNumber(a) && isNumber(b)) {
      return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
    } else if (!isNumber(a) && !isNumber(b)) {
      return Integer.compare(specialOrder(a), specialOrder(b));
    } else if (isNumber(a)) {
      return Integer.compare(specialOrder("#N#"), specialOrder(b));
    } else {
      return Integer.compare(specialOrder(a), specialOrder("#N#"));
    }
  }

  @Override
  public int compareTo(ComposerVersion o) {
    int n = Math.min(parts.size(), o.parts.size());
    for (int i = 0; i < n; i++) {
      int c = comparePart(parts.get(i), o.parts.get(i));
      if (c != 0) {
        return Integer.signum(c);
      }
    }
    if (parts.size() > n) {
      String p = parts.get(n);
      return isNumber(p) ? 1 : Integer.signum(Integer.compare(specialOrder(p), specialOrder("#")));
    }
    if (o.parts.size() > n) {
      String p = o.parts.get(n);
      return isNumber(p) ? -1 : Integer.signum(Integer.compare(specialOrder("#"), specialOrder(p)));
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComposerVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return original;
  }
}
