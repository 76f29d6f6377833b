package dev.sekisho.scanner.version;

/**
 * A Debian package version, {@code [epoch:]upstream[-revision]}, ordered exactly as dpkg orders
 * them (a port of {@code verrevcmp} in dpkg's lib/dpkg/version.c): epochs numerically, then the
 * upstream version and the revision by alternating non-digit runs (letters before other characters,
 * {@code ~} before everything, even the end) and numeric runs.
 */
public final class DpkgVersion implements Comparable<DpkgVersion> {

  /** The dpkg scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("dpkg", DpkgVersion::parse);

  private final String original;
  private final long epoch;
  private final String upstream;
  private final String revision;

  private DpkgVersion(String original, long epoch, String upstream, String revision) {
    this.original = original;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  /**
   * Parses a version as dpkg's {@code parseversion} does: the epoch before the first colon, the
   * revision after the last hyphen.
   */
  public static DpkgVersion parse(String version) {
    if (version == null) {
      throw new InvalidVersionException("dpkg", "null", "no version");
    }
    String v = version.strip();
    if (v.isEmpty()) {
      throw new InvalidVersionException("dpkg", version, "empty");
    }
    long epoch = 0;
    int colon = v.indexOf(':');
    if (colon >= 0) {
      String e = v.substring(0, colon);
      if (e.isEmpty() || !e.chars().allMatch(c -> c >= '0' && c <= '9') || e.length() > 9) {
        throw new InvalidVersionException("dpkg", version, "epoch is not a number");
      }
      epoch = Long.parseLong(e);
      v = v.substring(colon + 1);
    }
    String revision = "";
    int hyphen = v.lastIndexOf('-');
    if (hyphen >= 0) {
      revision = v.substring(hyphen + 1);
      v = v.substring(0, hyphen);
    }
    if (v.isEmpty()) {
      throw new InvalidVersionException("dpkg", version, "empty upstream version");
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isWhitespace(v.charAt(i))) {
        throw new InvalidVersionException("dpkg", version, "contains whitespace");
      }
    }
    return new DpkgVersion(version, epoch, v, revision);
  }

  public long epoch() {
    return epoch;
  }

  public String upstream() {
    return upstream;
  }

  public String revision() {
    return revision;
  }

  @Override
  public int compareTo(DpkgVersion o) {
    int c = Long.compare(epoch, o.epoch);
    if (c != 0) {
      return c;
    }
    c = verrevcmp(upstream, o.upstream);
    if (c != 0) {
      return c;
    }
    return verrevcmp(revision, o.revision);
  }

  private static int order(int c) {
    if (isDigit(c)) {
      return 0;
    } else if (isAlpha(c)) {
      return c;
    } else if (c == '~') {
      return -1;
    } else if (c != 0) {
      return c + 256;
    }
    return 0;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int at(String s, int i) {
    return i < s.length() ? s.charAt(i) : 0;
  }

  static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (at(a, i) != 0 || at(b, j) != 0) {
      int firstDiff = 0;
      while ((at(a, i) != 0 && !isDigit(at(a, i))) || (at(b, j) != 0 && !isDigit(at(b, j)))) {
        int ac = order(at(a, i));
        int bc = order(at(b, j));
        if (ac != bc) {
          return ac - bc;
        }
        i++;
        j++;
      }
      while (at(a, i) == '0') {
        i++;
      }
      while (at(b, j) == '0') {
        j++;
      }
      while (isDigit(at(a, i)) && isDigit(at(b, j))) {
        if (firstDiff == 0) {
          firstDiff = at(a, i) - at(b, j);
        }
        i++;
        j++;
      }
      if (isDigit(at(a, i))) {
        return 1;
      }
      if (isDigit(at(b, j))) {
        return -1;
      }
      if (firstDiff != 0) {
        return firstDiff;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DpkgVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    // equal versions may be spelled differently ("1.0" and "1.00"); hash on the epoch only
    return Long.hashCode(epoch);
  }

  @Override
  public String toString() {
    return original;
  }
}
