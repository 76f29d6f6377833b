package dev.sekisho.scanner.version;

/**
 * A total order over the version strings of one packaging ecosystem.
 *
 * <p>Each scheme is one {@link Comparable} class (e.g. {@link DpkgVersion}) with a static {@code
 * parse}; this interface lets the matcher compare strings without knowing the class. Look a scheme
 * up with {@link VersionSchemes#forEcosystem(String)}.
 */
public interface VersionScheme {

  /** The scheme's short name ("dpkg", "rpm", "apk", "semver", "pep440", …). */
  String name();

  /**
   * Compares two versions.
   *
   * @return negative, zero or positive as {@code a} is lower than, equal to or higher than {@code
   *     b}
   * @throws InvalidVersionException when either string is not a version of this scheme
   */
  int compare(String a, String b);

  /** Whether {@code version} parses in this scheme. */
  default boolean isValid(String version) {
    try {
      compare(version, version);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }
}
