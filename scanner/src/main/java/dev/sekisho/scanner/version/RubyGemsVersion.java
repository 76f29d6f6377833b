package dev.sekisho.scanner.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A RubyGems version, ordered as {@code Gem::Version#<=>}: the version is split into numeric and
 * alphabetic segments ({@code 1.0.b1} → 1, 0, "b", 1; a {@code -} means {@code .pre.}), trailing
 * zeros are dropped from the release part and from the pre-release part, and segments compare
 * pairwise (a missing segment is 0; a string sorts below a number, so any version with a letter is
 * a pre-release: {@code 1.0.a < 1.0}).
 */
public final class RubyGemsVersion implements Comparable<RubyGemsVersion> {

  /** The RubyGems scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("rubygems", RubyGemsVersion::parse);

  // Gem::Version::ANCHORED_VERSION_PATTERN
  private static final Pattern VALID =
      Pattern.compile(
          "^\\s*([0-9]+(?:\\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?)?\\s*$");
  private static final Pattern SEGMENT = Pattern.compile("[0-9]+|[a-zA-Z]+");

  private final String original;
  private final List<Object> segments; // canonical segments: BigInteger or String

  private RubyGemsVersion(String original, List<Object> segments) {
    this.original = original;
    this.segments = segments;
  }

  /** Parses a gem version. */
  public static RubyGemsVersion parse(String version) {
    if (version == null || !VALID.matcher(version).matches()) {
      throw new InvalidVersionException("rubygems", String.valueOf(version), "malformed");
    }
    String v = version.strip();
    if (v.isEmpty()) {
      v = "0";
    }
    v = v.replace("-", ".pre.");
    List<Object> all = new ArrayList<>();
    Matcher m = SEGMENT.matcher(v);
    while (m.find()) {
      String s = m.group();
      all.add(Character.isDigit(s.charAt(0)) ? new BigInteger(s) : s);
    }
    int firstString = 0;
    while (firstString < all.size() && all.get(firstString) instanceof BigInteger) {
      firstString++;
    }
    List<Object> canonical = new ArrayList<>(dropTrailingZeros(all.subList(0, firstString)));
    canonical.addAll(dropTrailingZeros(all.subList(firstString, all.size())));
    return new RubyGemsVersion(version, List.copyOf(canonical));
  }

  private static List<Object> dropTrailingZeros(List<Object> segs) {
    int end = segs.size();
    while (end > 0 && BigInteger.ZERO.equals(segs.get(end - 1))) {
      end--;
    }
    return segs.subList(0, end);
  }

  /** True when the version has a letter (RubyGems' definition of a pre-release). */
  public boolean isPrerelease() {
    return segments.stream().anyMatch(String.class::isInstance);
  }

  @Override
  public int compareTo(RubyGemsVersion o) {
    int n = Math.max(segments.size(), o.segments.size());
    for (int i = 0; i < n; i++) {
      Object l = i < segments.size() ? segments.get(i) : BigInteger.ZERO;
      Object r = i < o.segments.size() ? o.segments.get(i) : BigInteger.ZERO;
      if (l.equals(r)) {
        continue;
      }
      if (l instanceof String && r instanceof BigInteger) {
        return -1;
      }
      if (l instanceof BigInteger && r instanceof String) {
        return 1;
      }
      if (l instanceof BigInteger li) {
        return li.compareTo((BigInteger) r);
      }
      return Integer.signum(((String) l).compareTo((String) r));
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RubyGemsVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public String toString() {
    return original;
  }
}
