package dev.sekisho.scanner.version;

import java.util.Comparator;

/**
 * Finds the version order of an ecosystem, so that package rules can compare versions in the
 * package's own scheme (dpkg, rpm, apk, semver, PEP 440, Maven …).
 */
@FunctionalInterface
public interface VersionOrdering {

  /**
   * The order of versions in {@code ecosystem} (an OSV ecosystem name such as Debian, Alpine,
   * Maven, npm). The comparator may throw an unchecked exception for a string that is not a version
   * of the scheme.
   */
  Comparator<String> forEcosystem(String ecosystem);

  /**
   * The scanner's version schemes ({@link VersionSchemes}); ecosystems without one fall back to a
   * generic dotted-number order.
   */
  static VersionOrdering standard() {
    return ecosystem ->
        VersionSchemes.forEcosystem(ecosystem)
            .<Comparator<String>>map(scheme -> scheme::compare)
            .orElse(GenericVersionComparator.INSTANCE);
  }
}
