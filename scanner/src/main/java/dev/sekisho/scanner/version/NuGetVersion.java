package dev.sekisho.scanner.version;

import java.math.BigInteger;
import java.util.List;

/**
 * A NuGet package version: SemVer 2 with up to four numbers ({@code Major.Minor.Patch.Revision},
 * missing ones are 0, so {@code 1.0} = {@code 1.0.0.0}), pre-release labels compared as SemVer 2
 * but case-insensitively (as NuGet's {@code VersionComparer.Default} does), build metadata ignored.
 */
public final class NuGetVersion implements Comparable<NuGetVersion> {

  /** The NuGet scheme. */
  public static final VersionScheme SCHEME = VersionScheme.of("nuget", NuGetVersion::parse);

  private final String original;
  private final BigInteger[] numbers;
  private final List<String> prerelease;

  private NuGetVersion(String original, BigInteger[] numbers, List<String> prerelease) {
    this.original = original;
    this.numbers = numbers;
    this.prerelease = prerelease;
  }

  /** Parses a NuGet version. */
  public static NuGetVersion parse(String version) {
    if (version == null || version.isBlank()) {
      throw new InvalidVersionException("nuget", String.valueOf(version), "empty");
    }
    String v = version.strip();
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
      pre = List.of(p.split("\\.", -1));
      if (pre.stream().anyMatch(String::isEmpty)) {
        throw new InvalidVersionException("nuget", version, "empty pre-release label");
      }
    }
    return new NuGetVersion(version, SemVer.parseNumbers(version, v, 4, "nuget"), pre);
  }

  @Override
  public int compareTo(NuGetVersion o) {
    for (int i = 0; i < 4; i++) {
      int c = numbers[i].compareTo(o.numbers[i]);
      if (c != 0) {
        return c;
      }
    }
    return SemVer.comparePrerelease(prerelease, o.prerelease, true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NuGetVersion other && compareTo(other) == 0;
  }

  @Override
  public int hashCode() {
    return numbers[0].hashCode();
  }

  @Override
  public String toString() {
    return original;
  }
}
