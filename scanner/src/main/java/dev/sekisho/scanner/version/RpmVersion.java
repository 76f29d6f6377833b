package dev.sekisho.scanner.version;

/**
 * An RPM version {@code [epoch:]version[-release]}, ordered as RPM orders them: epochs (missing =
 * 0) numerically, then version and release with a port of {@code rpmvercmp} from rpm's
 * rpmio/rpmvercmp.c (alphanumeric segments; digits beat letters; {@code ~} sorts before everything,
 * even the end; {@code ^} sorts after the end but before any other segment). As in rpm's {@code
 * rpmverCmp}, the release is compared only when both versions have one.
 */
public final class RpmVersion implements Comparable<RpmVersion> {

  /** The RPM scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("rpm", RpmVersion::parse);

  private final String original;
  private final String epoch;
  private final String version;
  private final String release;

  private RpmVersion(String original, String epoch, String version, String release) {
    this.original = original;
    this.epoch = epoch;
    this.version = version;
    this.release = release;
  }

  /** Parses {@code [epoch:]version[-release]}. */
  public static RpmVersion parse(String evr) {
    if (evr == null || evr.isBlank()) {
      throw new InvalidVersionException("rpm", String.valueOf(evr), "empty");
    }
    String s = evr.strip();
    String epoch = "0";
    int colon = s.indexOf(':');
    if (colon >= 0) {
      epoch = s.substring(0, colon);
      if (epoch.isEmpty()) {
        epoch = "0";
      } else if (!epoch.chars().allMatch(Character::isDigit)) {
        throw new InvalidVersionException("rpm", evr, "epoch is not a number");
      }
      s = s.substring(colon + 1);
    }
    String release = "";
    int hyphen = s.lastIndexOf('-');
    if (hyphen >= 0) {
      release = s.substring(hyphen + 1);
      s = s.substring(0, hyphen);
    }
    return new RpmVersion(evr, epoch, s, release);
  }

  @Override
  public int compareTo(RpmVersion o) {
    int c = rpmvercmp(epoch, o.epoch);
    if (c == 0) {
      c = rpmvercmp(version, o.version);
      if (c == 0) {
        c = rpmvercmp(release, o.release);
      }
    }
    return c;
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || isAlpha(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** rpmvercmp: -1, 0 or 1. */
  static int rpmvercmp(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int one = 0;
    int two = 0;
    int la = a.length();
    int lb = b.length();
    while (one < la || two < lb) {
      while (one < la && !isAlnum(a.charAt(one)) && a.charAt(one) != '~' && a.charAt(one) != '^') {
        one++;
      }
      while (two < lb && !isAlnum(b.charAt(two)) && b.charAt(two) != '~' && b.charAt(two) != '^') {
        two++;
      }
      char ca = one < la ? a.charAt(one) : 0;
      char cb = two < lb ? b.charAt(two) : 0;
      // tilde sorts before everything else
      if (ca == '~' || cb == '~') {
        if (ca != '~') {
          return 1;
        }
        if (cb != '~') {
          return -1;
        }
        one++;
        two++;
        continue;
      }
      // caret sorts after the end of the string but before any other segment
      if (ca == '^' || cb == '^') {
        if (one >= la) {
          return -1;
        }
        if (two >= lb) {
          return 1;
        }
        if (ca != '^') {
          return 1;
        }
        if (cb != '^') {
          return -1;
        }
        one++;
        two++;
        continue;
      }
      if (!(one < la && two < lb)) {
        break;
      }
      int str1 = one;
      int str2 = two;
      boolean isnum;
      if (isDigit(a.charAt(str1))) {
        while (str1 < la && isDigit(a.charAt(str1))) {
          str1++;
        }
        while (str2 < lb && isDigit(b.charAt(str2))) {
          str2++;
        }
        isnum = true;
      } else {
        while (str1 < la && isAlpha(a.charAt(str1))) {
          str1++;
        }
        while (str2 < lb && isAlpha(b.charAt(str2))) {
          str2++;
        }
        isnum = false;
      }
      if (one == str1) {
        return -1; // cannot happen: one points at an alphanumeric character
      }
      if (two == str2) {
        return isnum ? 1 : -1;
      }
      String s1 = a.substring(one, str1);
      String s2 = b.substring(two, str2);
      if (isnum) {
        s1 = stripZeros(s1);
        s2 = stripZeros(s2);
        if (s1.length() != s2.length()) {
          return s1.length() > s2.length() ? 1 : -1;
        }
      }
      int rc = s1.compareTo(s2);
      if (rc != 0) {
        return rc < 0 ? -1 : 1;
      }
      one = str1;
      two = str2;
    }
    if (one >= la && two >= lb) {
      return 0;
    }
    return one >= la ? -1 : 1;
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RpmVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return 0; // equal versions may be spelled differently
  }

  @Override
  public String toString() {
    return original;
  }
}
