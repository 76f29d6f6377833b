package dev.sekisho.scanner.version;

import java.util.Map;
import java.util.Optional;

/** The one explicit registry from OSV ecosystem names to version schemes. */
public final class VersionSchemes {

  private static final Map<String, VersionScheme> BY_ECOSYSTEM =
      Map.ofEntries(
          Map.entry("Debian", DpkgVersion.SCHEME),
          Map.entry("Ubuntu", DpkgVersion.SCHEME),
          Map.entry("Alpine", ApkVersion.SCHEME),
          Map.entry("Wolfi", ApkVersion.SCHEME),
          Map.entry("Chainguard", ApkVersion.SCHEME),
          Map.entry("Alpaquita", ApkVersion.SCHEME),
          Map.entry("BellSoft Hardened Containers", ApkVersion.SCHEME),
          Map.entry("Red Hat", RpmVersion.SCHEME),
          Map.entry("Rocky Linux", RpmVersion.SCHEME),
          Map.entry("AlmaLinux", RpmVersion.SCHEME),
          Map.entry("SUSE", RpmVersion.SCHEME),
          Map.entry("openSUSE", RpmVersion.SCHEME),
          Map.entry("Mageia", RpmVersion.SCHEME),
          Map.entry("openEuler", RpmVersion.SCHEME),
          Map.entry("Azure Linux", RpmVersion.SCHEME),
          Map.entry("npm", SemVer.SCHEME),
          Map.entry("crates.io", SemVer.SCHEME),
          Map.entry("Go", SemVer.SCHEME),
          Map.entry("Hex", SemVer.SCHEME),
          Map.entry("Pub", SemVer.SCHEME),
          Map.entry("Bitnami", SemVer.SCHEME),
          Map.entry("PyPI", Pep440Version.SCHEME),
          Map.entry("Maven", MavenVersion.SCHEME),
          Map.entry("RubyGems", RubyGemsVersion.SCHEME),
          Map.entry("NuGet", NuGetVersion.SCHEME),
          Map.entry("Packagist", ComposerVersion.SCHEME));

  private VersionSchemes() {}

  /**
   * The scheme for an OSV ecosystem; a release suffix is ignored ({@code Debian:12} → dpkg, {@code
   * Ubuntu:Pro:22.04:LTS} → dpkg).
   */
  public static Optional<VersionScheme> forEcosystem(String ecosystem) {
    if (ecosystem == null) {
      return Optional.empty();
    }
    int colon = ecosystem.indexOf(':');
    String base = colon < 0 ? ecosystem : ecosystem.substring(0, colon);
    return Optional.ofNullable(BY_ECOSYSTEM.get(base));
  }
}
