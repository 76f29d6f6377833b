package dev.sekisho.scanner.version;

import org.apache.maven.artifact.versioning.ComparableVersion;

/**
 * A Maven artifact version, ordered by Maven's own {@link ComparableVersion} (from maven-artifact):
 * numbers and qualifiers split at {@code .}, {@code -} and digit/letter transitions, qualifiers
 * ordered {@code alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp <}
 * any other qualifier (alphabetically), trailing zeros and release qualifiers dropped ({@code 1.0 =
 * 1 = 1.0.0 = 1-ga}). Using Maven's class rather than a re-implementation means we order exactly as
 * Maven resolves.
 */
public final class MavenVersion implements Comparable<MavenVersion> {

  /** The Maven scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("maven", MavenVersion::parse);

  private final String original;
  private final ComparableVersion version;

  private MavenVersion(String original, ComparableVersion version) {
    this.original = original;
    this.version = version;
  }

  /** Parses a Maven version; every non-blank string is one. */
  public static MavenVersion parse(String version) {
    if (version == null || version.isBlank()) {
      throw new InvalidVersionException("maven", String.valueOf(version), "empty");
    }
    return new MavenVersion(version, new ComparableVersion(version.strip()));
  }

  @Override
  public int compareTo(MavenVersion o) {
    return version.compareTo(o.version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MavenVersion other && version.equals(other.version);
  }

  @Override
  public int hashCode() {
    return version.hashCode();
  }

  @Override
  public String toString() {
    return original;
  }
}
