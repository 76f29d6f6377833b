package dev.sekisho.scanner.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
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

  @Test
  void stringTestsAgreeWithTheRegexOnEveryShapeOfGlob() {
    String[] globParts = {"a", "b", "/", ".", "*", "**", "?", "ab/"};
    String[] valueParts = {"a", "b", "/", ".", "ab", ""};
    Random random = new Random(7);
    int compared = 0;
    for (int g = 0; g < 3_000; g++) {
      StringBuilder glob = new StringBuilder();
      for (int i = random.nextInt(5) + 1; i > 0; i--) {
        glob.append(globParts[random.nextInt(globParts.length)]);
      }
      if (Glob.problem(glob.toString()).isPresent()) {
        continue;
      }
      Glob compiled = Glob.compile(glob.toString());
      for (int v = 0; v < 30; v++) {
        StringBuilder value = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
          value.append(valueParts[random.nextInt(valueParts.length)]);
        }
        String text = value.toString();
        assertThat(compiled.matches(text))
            .as("%s ~ %s", glob, text)
            .isEqualTo(compiled.matchesByRegex(text));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(50_000);
    assertThat(Glob.compile("usr/share/doc/**").matches("usr/share/doc/x/y")).isTrue();
    assertThat(Glob.compile("**/node_modules/**").matches("app/node_modules/x")).isTrue();
    assertThat(Glob.compile("**/node_modules/**").matches("node_modules/x")).isFalse();
  }
}
