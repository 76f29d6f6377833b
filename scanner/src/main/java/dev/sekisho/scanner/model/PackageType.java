package dev.sekisho.scanner.model;

/**
 * Kind of package, named by its package URL type. Language ecosystems have a fixed OSV ecosystem;
 * OS packages get theirs from the image's distribution (Debian, Ubuntu, Alpine, Red Hat, …).
 */
public enum PackageType {
  DEB("deb", null),
  APK("apk", null),
  RPM("rpm", null),
  MAVEN("maven", "Maven"),
  NPM("npm", "npm"),
  PYPI("pypi", "PyPI"),
  GEM("gem", "RubyGems"),
  GOLANG("golang", "Go"),
  CARGO("cargo", "crates.io"),
  NUGET("nuget", "NuGet"),
  COMPOSER("composer", "Packagist");

  private final String purlType;
  private final String osvEcosystem;

  PackageType(String purlType, String osvEcosystem) {
    this.purlType = purlType;
    this.osvEcosystem = osvEcosystem;
  }

  /** The package URL type (pkg:TYPE/…). */
  public String purlType() {
    return purlType;
  }

  /** The OSV ecosystem name for language packages; null for OS packages. */
  public String osvEcosystem() {
    return osvEcosystem;
  }

  /** True for packages of the operating system's package manager. */
  public boolean isOsPackage() {
    return osvEcosystem == null;
  }
}
