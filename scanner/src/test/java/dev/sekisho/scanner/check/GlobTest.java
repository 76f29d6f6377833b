package dev.sekisho.scanner.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvFileSource(resources = "globs.csv")
  void matches(String glob, String value, boolean expected) {
    assertThat(Glob.compile(glob).matches(value)).isEqualTo(expected);
    assertThat(Glob.compile(glob).matchesByNfa(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "reg/[abc]", "x{a,b}", "a/***/b"})
  void rejectsWhatItCannotMatchPredictably(String glob) {
    assertThat(Glob.problem(glob)).isPresent();
    assertThatThrownBy(() -> Glob.compile(glob)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAGlobLongerThanTheLimitNamingTheLimit() {
    assertThat(Glob.problem("a".repeat(Glob.MAX_LENGTH))).isEmpty();
    assertThat(Glob.problem("*a".repeat(Glob.MAX_LENGTH)))
        .hasValueSatisfying(p -> assertThat(p).contains("at most " + Glob.MAX_LENGTH));
  }

  /** A backtracking regex takes exponential time on these; the NFA is linear in the value. */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void hostileGlobsAgainstLongNamesFinishWithTheRightAnswer() {
    String hostile = "*a".repeat(12) + "*b";
    String as = "a".repeat(10_000);
    assertThat(Glob.compile(hostile).matches(as)).isFalse();
    assertThat(Glob.compile(hostile).matches(as + "b")).isTrue();
    assertThat(Glob.compile(hostile).matches(as + "/b")).isFalse();
    String across = "**a".repeat(12) + "**b";
    assertThat(Glob.compile(across).matches(as)).isFalse();
    assertThat(Glob.compile(across).matches("a/".repeat(5_000) + "b")).isTrue();
    String ones = "?*".repeat(200) + "b";
    assertThat(Glob.compile(ones).matches(as)).isFalse();
    assertThat(Glob.compile(ones).matches(as + "b")).isTrue();
  }

  @Test
  void nfaAndStringTestsAgreeWithTheRegexReferenceOnEveryShapeOfGlob() {
    String[] globParts = {"a", "b", "/", ".", "*", "**", "?", "ab/", "é", "\uD83D\uDE00", "+("};
    String[] valueParts = {"a", "b", "/", ".", "ab", "", "é", "\uD83D\uDE00", "\n", "+("};
    Random random = new Random(7);
    int compared = 0;
    for (int g = 0; g < 4_000; g++) {
      StringBuilder glob = new StringBuilder();
      for (int i = random.nextInt(6) + 1; i > 0; i--) {
        glob.append(globParts[random.nextInt(globParts.length)]);
      }
      if (Glob.problem(glob.toString()).isPresent()) {
        continue;
      }
      Glob compiled = Glob.compile(glob.toString());
      Pattern reference = reference(glob.toString());
      for (int v = 0; v < 30; v++) {
        StringBuilder value = new StringBuilder();
        for (int i = random.nextInt(7); i > 0; i--) {
          value.append(valueParts[random.nextInt(valueParts.length)]);
        }
        String text = value.toString();
        boolean expected = reference.matcher(text).matches();
        assertThat(compiled.matches(text)).as("%s ~ %s", glob, text).isEqualTo(expected);
        assertThat(compiled.matchesByNfa(text)).as("%s ~ %s", glob, text).isEqualTo(expected);
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(50_000);
    assertThat(Glob.compile("usr/share/doc/**").matches("usr/share/doc/x/y")).isTrue();
    assertThat(Glob.compile("**/node_modules/**").matches("app/node_modules/x")).isTrue();
    assertThat(Glob.compile("**/node_modules/**").matches("node_modules/x")).isFalse();
  }

  /**
   * The glob as a java.util.regex pattern, as Glob compiled it before it had its own matcher: the
   * reference for the semantics on inputs small enough for backtracking to be harmless.
   */
  private static Pattern reference(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (c == '?') {
          regex.append("[^/]");
        } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".*");
          i++;
        } else {
          regex.append("[^/]*");
        }
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
