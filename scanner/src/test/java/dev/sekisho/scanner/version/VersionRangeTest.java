package dev.sekisho.scanner.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionRangeTest {

  @ParameterizedTest(name = "{0}: {2} in ''{1}'' = {3}")
  @CsvFileSource(resources = "version-constraints.csv")
  void containsInTheEcosystemsOrder(
      String ecosystem, String constraint, String version, boolean expected) {
    VersionRange range = VersionRange.parse(constraint);
    assertThat(range.contains(version, VersionOrdering.standard().forEcosystem(ecosystem)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "=> 1.0", ">=", "<1.0,", "1.0 2.0", "~1.0", "^1.2", "1.*"})
  void rejectsMalformedConstraints(String constraint) {
    assertThatThrownBy(() -> VersionRange.parse(constraint))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
