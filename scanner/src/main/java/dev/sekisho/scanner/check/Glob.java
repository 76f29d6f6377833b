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
  /**
   * How a glob is matched: most globs in use are a literal, a literal followed by {@code **}, or a
   * literal between two {@code **} ({@code usr/share/doc/**}, {@code **}{@code /node_modules/**}),
   * which are plain string tests; only the others run the regex. Globs are matched once per file of
   * an image, so this matters.
   */
  private enum Shape {
    EQUALS,
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS,
    REGEX
  }

  private final String text;
  private final Pattern pattern;
  private final Shape shape;
  private final String literal;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
    boolean any = text.equals("**");
    boolean leading = !any && text.startsWith("**");
    boolean trailing = !any && text.endsWith("**");
    String middle = any ? "" : text.substring(leading ? 2 : 0, text.length() - (trailing ? 2 : 0));
    if (!isLiteral(middle)) {
      this.shape = Shape.REGEX;
    } else if (leading && trailing) {
      this.shape = Shape.CONTAINS;
    } else if (leading) {
      this.shape = Shape.ENDS_WITH;
    } else if (trailing || any) {
      this.shape = Shape.STARTS_WITH;
    } else {
      this.shape = Shape.EQUALS;
    }
    this.literal = middle;
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
    if (value == null) {
      return false;
    }
    return switch (shape) {
      case EQUALS -> value.equals(literal);
      case STARTS_WITH -> value.startsWith(literal);
      case ENDS_WITH -> value.endsWith(literal);
      case CONTAINS -> value.contains(literal);
      case REGEX -> pattern.matcher(value).matches();
    };
  }

  /** {@link #matches} always by the regex: the reference the string tests are checked against. */
  boolean matchesByRegex(String value) {
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
