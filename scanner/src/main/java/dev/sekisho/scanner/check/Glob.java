package dev.sekisho.scanner.check;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A glob over slash-separated names (image references, registry hosts, package names, pipeline
 * names): {@code *} matches any run of characters within one segment (no {@code /}), {@code **}
 * matches across segments, {@code ?} matches one character other than {@code /}. Every other
 * character is literal. Matching is case-sensitive and anchored at both ends.
 *
 * <p>Globs come from policies, which anyone allowed to write one controls, so matching takes time
 * linear in the value for a given glob: globs are run as a small NFA (a set of glob positions
 * advanced one character at a time), never as a backtracking regex, which takes exponential time on
 * globs like {@code *a*a*a*a*b}. A glob is at most {@value #MAX_LENGTH} characters.
 */
public final class Glob {
  /** The longest glob accepted; policy validation reports longer ones. */
  public static final int MAX_LENGTH = 1024;

  /**
   * How a glob is matched: most globs in use are a literal, a literal followed by {@code **}, or a
   * literal between two {@code **} ({@code usr/share/doc/**}, {@code **}{@code /node_modules/**}),
   * which are plain string tests; only the others run the NFA. Globs are matched once per file of
   * an image, so this matters.
   */
  private enum Shape {
    EQUALS,
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS,
    NFA
  }

  // Tokens of the NFA: a code point (>= 0) matches itself, the others are wildcards.
  private static final int STAR = -1; // '*': any run without '/'
  private static final int ANY = -2; // '**': any run
  private static final int ONE = -3; // '?': one character other than '/'

  private final String text;
  private final int[] tokens;
  private final Shape shape;
  private final String literal;

  private Glob(String text, int[] tokens) {
    this.text = text;
    this.tokens = tokens;
    boolean any = text.equals("**");
    boolean leading = !any && text.startsWith("**");
    boolean trailing = !any && text.endsWith("**");
    String middle = any ? "" : text.substring(leading ? 2 : 0, text.length() - (trailing ? 2 : 0));
    if (!isLiteral(middle)) {
      this.shape = Shape.NFA;
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
    int[] tokens = new int[glob.length()];
    int n = 0;
    for (int i = 0; i < glob.length(); ) {
      int c = glob.codePointAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        tokens[n++] = ANY;
        i += 2;
      } else {
        tokens[n++] = c == '*' ? STAR : c == '?' ? ONE : c;
        i += Character.charCount(c);
      }
    }
    return new Glob(glob, Arrays.copyOf(tokens, n));
  }

  /** What is wrong with {@code glob}, or empty when it compiles. */
  public static Optional<String> problem(String glob) {
    if (glob == null || glob.isEmpty()) {
      return Optional.of("empty glob");
    }
    if (glob.length() > MAX_LENGTH) {
      return Optional.of(
          "glob '"
              + glob.substring(0, 40)
              + "…' is "
              + glob.length()
              + " characters long (at most "
              + MAX_LENGTH
              + ")");
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

  /** Whether any of {@code globs} matches any of {@code values} (an image name's forms, say). */
  public static boolean anyMatches(List<Glob> globs, List<String> values) {
    for (String value : values) {
      for (Glob glob : globs) {
        if (glob.matches(value)) {
          return true;
        }
      }
    }
    return false;
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
      case NFA -> matchesByNfa(value);
    };
  }

  /**
   * {@link #matches} always by the NFA: the general matcher the string tests are checked against.
   * Time is O(value length × glob length), whatever the glob.
   */
  boolean matchesByNfa(String value) {
    if (value == null) {
      return false;
    }
    int m = tokens.length;
    // state s: the first s tokens have matched the value read so far
    boolean[] current = new boolean[m + 1];
    boolean[] next = new boolean[m + 1];
    current[0] = true;
    skipEmptyRuns(current);
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      Arrays.fill(next, false);
      boolean alive = false;
      for (int s = 0; s < m; s++) {
        if (!current[s]) {
          continue;
        }
        int t = tokens[s];
        if (t == ANY || (t == STAR && c != '/')) {
          next[s] = true; // the run goes on
          alive = true;
        } else if (t == c || (t == ONE && c != '/')) {
          next[s + 1] = true;
          alive = true;
        }
      }
      if (!alive) {
        return false;
      }
      skipEmptyRuns(next);
      boolean[] swap = current;
      current = next;
      next = swap;
    }
    return current[m];
  }

  /** A star may match nothing: a state before a star is also the state after it. */
  private void skipEmptyRuns(boolean[] states) {
    for (int s = 0; s < tokens.length; s++) {
      if (states[s] && (tokens[s] == STAR || tokens[s] == ANY)) {
        states[s + 1] = true;
      }
    }
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
