package dev.sekisho.scanner.version;

import java.math.BigInteger;
import java.util.List;

/**
 * A Semantic Versioning 2.0.0 version, as npm, crates.io and Go modules use it. Precedence follows
 * the spec: major, minor, patch numerically; a pre-release sorts below the release; pre-release
 * identifiers compare numerically when both are numeric, numeric below alphanumeric, otherwise in
 * ASCII order, and a shorter list of equal identifiers sorts first; build metadata ({@code +…},
 * including Go's {@code +incompatible}) is ignored. Go pseudo-versions ({@code
 * v0.0.0-20191109021931-daa7c04131f5}, {@code v1.2.4-0.20191109021931-daa7c04131f5}) are
 * pre-releases and order correctly by these rules.
 *
 * <p>Parsing is lenient where the data is: a leading {@code v} or {@code =} is dropped and missing
 * minor/patch numbers count as 0 ({@code 1.2} = {@code 1.2.0}).
 */
public final class SemVer implements Comparable<SemVer> {

  /** The SemVer 2 scheme (npm, crates.io, Go, and any ecosystem OSV marks SEMVER). */
  public static final VersionScheme SCHEME = VersionScheme.of("semver", SemVer::parse);

  private final String original;
  private final BigInteger[] core;
  private final List<String> prerelease;

  private SemVer(String original, BigInteger[] core, List<String> prerelease) {
    this.original = original;
    this.core = core;
    this.prerelease = prerelease;
  }

  /** Parses a SemVer version. */
  public static SemVer parse(String version) {
    if (version == null || version.isBlank()) {
      throw new InvalidVersionException("semver", String.valueOf(version), "empty");
    }
    String v = version.strip();
    if (v.startsWith("=")) {
      v = v.substring(1);
    }
    if (v.startsWith("v") || v.startsWith("V")) {
      v = v.substring(1);
    }
    int plus = v.indexOf('+');
    if (plus >= 0) {
      v = v.substring(0, plus);
    }
    List<String> pre = List.of();
    int dash = v.indexOf('-');
    if (dash >= 0) {
      String p = v.substring(dash + 1);
      v = v.substring(0, dash);
      if (p.isEmpty()) {
        throw new InvalidVersionException("semver", version, "empty pre-release");
      }
      pre = List.of(p.split("\\.", -1));
      for (String id : pre) {
        if (id.isEmpty()) {
          throw new InvalidVersionException("semver", version, "empty pre-release identifier");
        }
      }
    }
    BigInteger[] core = parseNumbers(version, v, 3, "semver");
    return new SemVer(version, core, pre);
  }

  static BigInteger[] parseNumbers(String original, String v, int max, String scheme) {
    String[] parts = v.split("\\.", -1);
    if (parts.length > max) {
      throw new InvalidVersionException(scheme, original, "more than " + max + " numbers");
    }
    BigInteger[] core = new BigInteger[max];
    for (int i = 0; i < max; i++) {
      if (i < parts.length) {
        String p = parts[i];
        if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new InvalidVersionException(scheme, original, "\"" + p + "\" is not a number");
        }
        core[i] = new BigInteger(p);
      } else {
        core[i] = BigInteger.ZERO;
      }
    }
    return core;
  }

  /** True for a pre-release version. */
  public boolean isPrerelease() {
    return !prerelease.isEmpty();
  }

  @Override
  public int compareTo(SemVer o) {
    for (int i = 0; i < 3; i++) {
      int c = core[i].compareTo(o.core[i]);
      if (c != 0) {
        return c;
      }
    }
    return comparePrerelease(prerelease, o.prerelease, false);
  }

  /**
   * SemVer 2 pre-release precedence; an empty list is a release and sorts above any pre-release.
   */
  static int comparePrerelease(List<String> a, List<String> b, boolean ignoreCase) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean xn = isNumeric(x);
      boolean yn = isNumeric(y);
      int c;
      if (xn && yn) {
        c = new BigInteger(x).compareTo(new BigInteger(y));
      } else if (xn || yn) {
        c = xn ? -1 : 1;
      } else {
        c = ignoreCase ? x.compareToIgnoreCase(y) : x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemVer other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return core[0].hashCode();
  }

  @Override
  public String toString() {
    return original;
  }
}
