package dev.sekisho.scanner.version;

import java.util.function.Function;

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
   * Parses a version; the results of one scheme compare with each other.
   *
   * @throws InvalidVersionException when the string is not a version of this scheme
   */
  Comparable<?> parse(String version);

  /**
   * Compares two versions.
   *
   * @return negative, zero or positive as {@code a} is lower than, equal to or higher than {@code
   *     b}
   * @throws InvalidVersionException when either string is not a version of this scheme
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  default int compare(String a, String b) {
    return ((Comparable) parse(a)).compareTo(parse(b));
  }

  /** Whether {@code version} parses in this scheme. */
  default boolean isValid(String version) {
    try {
      parse(version);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  /** A scheme named {@code name} whose versions {@code parser} parses. */
  static <V extends Comparable<V>> VersionScheme of(String name, Function<String, V> parser) {
    return new VersionScheme() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Comparable<?> parse(String version) {
        return parser.apply(version);
      }
    };
  }
}
