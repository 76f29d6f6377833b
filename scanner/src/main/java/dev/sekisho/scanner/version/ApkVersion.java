package dev.sekisho.scanner.version;

/**
 * An Alpine (apk) package version, {@code digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}},
 * ordered exactly as current apk-tools orders them (a port of the tokenizer, {@code token_cmp} and
 * {@code apk_version_compare_fuzzy} in apk-tools' src/version.c): pre-release suffixes {@code
 * _alpha < _beta < _pre < _rc} sort below the bare version, post-release suffixes {@code _cvs <
 * _svn < _git < _hg < _p} above it; a number after a dot that has a leading zero is compared as a
 * string ({@code 1.05 < 1.5}); a missing {@code -rN} sorts below {@code -r0}. Also used for Wolfi
 * and Chainguard.
 */
public final class ApkVersion implements Comparable<ApkVersion> {

  /** The apk scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("apk", ApkVersion::parse);

  private static final int INITIAL_DIGIT = 0;
  private static final int DIGIT = 1;
  private static final int LETTER = 2;
  private static final int SUFFIX = 3;
  private static final int SUFFIX_NO = 4;
  private static final int COMMIT_HASH = 5;
  private static final int REVISION_NO = 6;
  private static final int END = 7;
  private static final int INVALID = 8;

  // index = apk's suffix value; NONE (the bare version) sits between the pre and post suffixes
  private static final String[] SUFFIXES = {
    null, "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"
  };
  private static final int SUFFIX_NONE = 5;

  private final String version;

  private ApkVersion(String version) {
    this.version = version;
  }

  /** Parses a version, rejecting what apk's {@code apk_version_validate} rejects. */
  public static ApkVersion parse(String version) {
    if (version == null || version.isBlank()) {
      throw new InvalidVersionException("apk", String.valueOf(version), "empty");
    }
    String v = version.strip();
    Token t = new Token(v);
    t.first();
    while (t.type < END) {
      t.next();
    }
    if (t.type != END) {
      throw new InvalidVersionException(
          "apk", version, "not of the form 1.2.3[a][_suffixN][~hash][-rN]");
    }
    return new ApkVersion(v);
  }

  /** apk's token_state over one version string. */
  private static final class Token {
    private final String s;
    private int pos;
    int type;
    int suffix;
    long number;
    int start;
    int end; // value = s[start, end)

    Token(String s) {
      this.s = s;
    }

    void first() {
      type = INITIAL_DIGIT;
      digits();
    }

    private void digits() {
      start = pos;
      long n = 0;
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        n = n * 10 + (s.charAt(pos++) - '0');
      }
      number = n;
      end = pos;
      if (end == start) {
        type = INVALID;
      }
    }

    void next() {
      if (pos >= s.length()) {
        type = END;
        return;
      }
      char c = s.charAt(pos);
      if (c >= 'a' && c <= 'z') {
        if (type > DIGIT) {
          type = INVALID;
          return;
        }
        start = pos;
        end = ++pos;
        type = LETTER;
      } else if (c == '.' || isDigit(c)) {
        if (c == '.') {
          if (type > DIGIT) {
            type = INVALID;
            return;
          }
          pos++;
        }
        switch (type) {
          case INITIAL_DIGIT, DIGIT -> type = DIGIT;
          case SUFFIX -> type = SUFFIX_NO;
          default -> {
            type = INVALID;
            return;
          }
        }
        digits();
      } else if (c == '_') {
        if (type > SUFFIX_NO) {
          type = INVALID;
          return;
        }
        start = ++pos;
        while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
          pos++;
        }
        end = pos;
        suffix = suffixValue(s.substring(start, end));
        type = suffix == 0 ? INVALID : SUFFIX;
      } else if (c == '~') {
        if (type >= COMMIT_HASH) {
          type = INVALID;
          return;
        }
        start = ++pos;
        while (pos < s.length() && isHex(s.charAt(pos))) {
          pos++;
        }
        end = pos;
        type = end == start ? INVALID : COMMIT_HASH;
      } else if (c == '-') {
        if (type >= REVISION_NO || !s.startsWith("-r", pos)) {
          type = INVALID;
          return;
        }
        pos += 2;
        type = REVISION_NO;
        digits();
      } else {
        type = INVALID;
      }
    }

    String value() {
      return s.substring(start, end);
    }
  }

  private static int suffixValue(String suf) {
    if (suf.isEmpty()) {
      return 0;
    }
    for (int i = 1; i < SUFFIXES.length; i++) {
      if (i != SUFFIX_NONE && SUFFIXES[i].equals(suf)) {
        return i;
      }
    }
    return 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int tokenCompare(Token a, Token b) {
    switch (a.type) {
      case DIGIT:
        if (a.s.charAt(a.start) == '0' || b.s.charAt(b.start) == '0') {
          // a leading zero: raw string comparison, as the Gentoo spec says
          return Integer.signum(a.value().compareTo(b.value()));
        }
        return Long.compare(a.number, b.number);
      case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO:
        return Long.compare(a.number, b.number);
      case LETTER:
        return Character.compare(a.s.charAt(a.start), b.s.charAt(b.start));
      case SUFFIX:
        return Integer.compare(a.suffix, b.suffix);
      default:
        return Integer.signum(a.value().compareTo(b.value()));
    }
  }

  @Override
  public int compareTo(ApkVersion other) {
    Token a = new Token(version);
    Token b = new Token(other.version);
    a.first();
    b.first();
    while (a.type == b.type && a.type < END) {
      int r = tokenCompare(a, b);
      if (r != 0) {
        return r;
      }
      a.next();
      b.next();
    }
    if (a.type == b.type) {
      return 0;
    }
    // equal so far: the longer version is greater unless it continues with a pre-release suffix
    if (a.type == SUFFIX && a.suffix < SUFFIX_NONE) {
      return -1;
    }
    if (b.type == SUFFIX && b.suffix < SUFFIX_NONE) {
      return 1;
    }
    return Integer.compare(b.type, a.type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApkVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return 0; // equal versions may be spelled differently
  }

  @Override
  public String toString() {
    return version;
  }
}
