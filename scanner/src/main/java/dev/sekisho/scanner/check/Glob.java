package dev.sekisho.scanner.check;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A glob over slash-separated names (image references, registry hosts, package names, pipeline
 * names): {@code *} matches any run of characters within one segment (no {@code /}), {@code **}
 * matches across segments, {@code ?} matches one character other than {@code /}. Every other
 * character is literal. Matching is case-sensitive and anchored at both ends.
 */
public final class Glob {
  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * Compiles a glob.
   *
   * @throws IllegalArgumentException naming the glob and what is wrong with it
   */
  public static Glob compile(String glob) {
    Optional<String> problem = problem(glob);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
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
    return new Glob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  /** What is wrong with {@code glob}, or empty when it compiles. */
  public static Optional<String> problem(String glob) {
    if (glob == null || glob.isEmpty()) {
      return Optional.of("empty glob");
    }
    if (glob.contains("***")) {
      return Optional.of("glob '" + glob + "': '***' is ambiguous (use '*' or '**')");
    }
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return Optional.of("glob '" + glob + "' contains whitespace or a control character");
      }
      if (c == '[' || c == ']' || c == '{' || c == '}') {
        return Optional.of(
            "glob '" + glob + "': '" + c + "' is not supported (only '*', '**' and '?')");
      }
    }
    return Optional.empty();
  }

  /** True when the glob has no wildcard, i.e. names exactly one thing. */
  public static boolean isLiteral(String glob) {
    return glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
  }

  /** Whether the whole of {@code value} matches. A null value never matches. */
  public boolean matches(String value) {
    return value != null && pattern.matcher(value).matches();
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob g && g.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text);
  }
}
