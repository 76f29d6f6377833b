package dev.sekisho.scanner.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python package version as PEP 440 defines it ({@code
 * [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]}), with the spec's normalisation (case, {@code
 * alpha/beta/c/pre/preview} spellings, separators, implicit numbers, {@code -N} post releases) and
 * the ordering of the {@code packaging} library: epoch, release (trailing zeros ignored), then
 * dev-only releases below pre-releases below the release below post-releases, dev releases below
 * what they develop, and local versions above the public one (numeric local segments above
 * alphanumeric ones).
 */
public final class Pep440Version implements Comparable<Pep440Version> {

  /** The PEP 440 scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("pep440", Pep440Version::parse);

  // The regular expression of PEP 440's appendix (as the packaging library spells it).
  private static final Pattern VERSION =
      Pattern.compile(
          "^\\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
              + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
              + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
              + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
              + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
          Pattern.CASE_INSENSITIVE);

  private final BigInteger epoch;
  private final List<BigInteger> release;
  private final String preLetter; // a, b, rc or null
  private final BigInteger preNumber;
  private final BigInteger post; // null when absent
  private final BigInteger dev; // null when absent
  private final List<String> local; // empty when absent

  private Pep440Version(
      BigInteger epoch,
      List<BigInteger> release,
      String preLetter,
      BigInteger preNumber,
      BigInteger post,
      BigInteger dev,
      List<String> local) {
    this.epoch = epoch;
    this.release = release;
    this.preLetter = preLetter;
    this.preNumber = preNumber;
    this.post = post;
    this.dev = dev;
    this.local = local;
  }

  /** Parses and normalises a PEP 440 version. */
  public static Pep440Version parse(String version) {
    if (version == null) {
      throw new InvalidVersionException("pep440", "null", "no version");
    }
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      throw new InvalidVersionException("pep440", version, "not a PEP 440 version");
    }
    BigInteger epoch =
        m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
    List<BigInteger> release = new ArrayList<>();
    for (String p : m.group("release").split("\\.")) {
      release.add(new BigInteger(p));
    }
    String preLetter = null;
    BigInteger preNumber = null;
    if (m.group("pre") != null) {
      preLetter =
          switch (m.group("prel").toLowerCase(Locale.ROOT)) {
            case "alpha", "a" -> "a";
            case "beta", "b" -> "b";
            default -> "rc";
          };
      preNumber = number(m.group("pren"));
    }
    BigInteger post = null;
    if (m.group("post") != null) {
      post = number(m.group("postn1") != null ? m.group("postn1") : m.group("postn2"));
    }
    BigInteger dev = m.group("dev") != null ? number(m.group("devn")) : null;
    List<String> local =
        m.group("local") == null
            ? List.of()
            : List.of(m.group("local").toLowerCase(Locale.ROOT).split("[-_.]"));
    return new Pep440Version(epoch, List.copyOf(release), preLetter, preNumber, post, dev, local);
  }

  private static BigInteger number(String s) {
    return s == null ? BigInteger.ZERO : new BigInteger(s);
  }

  /** The normalised form ("1.0rc1.post2.dev3+ubuntu.1"). */
  public String normalized() {
    StringBuilder sb = new StringBuilder();
    if (epoch.signum() != 0) {
      sb.append(epoch).append('!');
    }
    for (int i = 0; i < release.size(); i++) {
      sb.append(i == 0 ? "" : ".").append(release.get(i));
    }
    if (preLetter != null) {
      sb.append(preLetter).append(preNumber);
    }
    if (post != null) {
      sb.append(".post").append(post);
    }
    if (dev != null) {
      sb.append(".dev").append(dev);
    }
    if (!local.isEmpty()) {
      sb.append('+').append(String.join(".", local));
    }
    return sb.toString();
  }

  @Override
  public int compareTo(Pep440Version o) {
    int c = epoch.compareTo(o.epoch);
    if (c != 0) {
      return c;
    }
    c = compareRelease(release, o.release);
    if (c != 0) {
      return c;
    }
    c = comparePre(o);
    if (c != 0) {
      return c;
    }
    // post: absent sorts below any post release
    c = compareNullable(post, o.post, -1);
    if (c != 0) {
      return c;
    }
    // dev: absent sorts above any dev release
    c = compareNullable(dev, o.dev, 1);
    if (c != 0) {
      return c;
    }
    return compareLocal(local, o.local);
  }

  private static int compareRelease(List<BigInteger> a, List<BigInteger> b) {
    int n = Math.max(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
      BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** -1 for a dev-only release (sorts first), 1 for no pre-release (sorts last), else 0. */
  private int preRank() {
    if (preLetter == null && post == null && dev != null) {
      return -1;
    }
    return preLetter == null ? 1 : 0;
  }

  private int comparePre(Pep440Version o) {
    int c = Integer.compare(preRank(), o.preRank());
    if (c != 0 || preLetter == null || o.preLetter == null) {
      return c;
    }
    c = preLetter.compareTo(o.preLetter); // "a" < "b" < "rc"
    return c != 0 ? c : preNumber.compareTo(o.preNumber);
  }

  private static int compareNullable(BigInteger a, BigInteger b, int absentSign) {
    if (a == null || b == null) {
      return a == null && b == null ? 0 : (a == null ? absentSign : -absentSign);
    }
    return a.compareTo(b);
  }

  private static int compareLocal(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean xn = x.chars().allMatch(Character::isDigit);
      boolean yn = y.chars().allMatch(Character::isDigit);
      int c;
      if (xn && yn) {
        c = new BigInteger(x).compareTo(new BigInteger(y));
      } else if (xn != yn) {
        c = xn ? 1 : -1;
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pep440Version other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return epoch.hashCode();
  }

  @Override
  public String toString() {
    return normalized();
  }
}
