package dev.sekisho.scanner.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvFileSource(resources = "globs.csv")
  void matches(String glob, String value, boolean expected) {
    assertThat(Glob.compile(glob).matches(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "reg/[abc]", "x{a,b}", "a/***/b"})
  void rejectsWhatItCannotMatchPredictably(String glob) {
    assertThat(Glob.problem(glob)).isPresent();
    assertThatThrownBy(() -> Glob.compile(glob)).isInstanceOf(IllegalArgumentException.class);
  }
}
