package dev.sekisho.scanner.version;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version constraint: comparators joined by commas, all of which must hold, e.g. {@code >=2.0.0,
 * <2.17.1}. Operators: {@code <}, {@code <=}, {@code >}, {@code >=}, {@code =} (or {@code ==}),
 * {@code !=}; no operator means {@code =}. Range shorthands ({@code ~1.2}, {@code ^1.2}, {@code
 * 1.*}) are not supported and rejected rather than read as a literal version. Versions are compared
 * in the package's own scheme.
 */
public final class VersionRange {
  private static final Pattern TERM =
      Pattern.compile("^(<=|>=|==|!=|<|>|=)?\\s*([^\\s<>=!,~^*][^\\s<>=!,*]*)$");

  private final String text;
  private final List<Term> terms;

  private record Term(String op, String version) {}

  private VersionRange(String text, List<Term> terms) {
    this.text = text;
    this.terms = terms;
  }

  /**
   * Parses a constraint.
   *
   * @throws IllegalArgumentException naming the constraint and the bad comparator
   */
  public static VersionRange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty version constraint");
    }
    List<Term> terms = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      Matcher m = TERM.matcher(p);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "version constraint '"
                + text
                + "': cannot parse '"
                + p
                + "' (expected an operator <, <=, >, >=, =, != and a version)");
      }
      terms.add(new Term(m.group(1) == null ? "=" : m.group(1), m.group(2)));
    }
    return new VersionRange(text, List.copyOf(terms));
  }

  /** Whether {@code version} satisfies every comparator, compared with {@code order}. */
  public boolean contains(String version, Comparator<String> order) {
    for (Term t : terms) {
      int c = order.compare(version, t.version());
      boolean ok =
          switch (t.op()) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            case "!=" -> c != 0;
            default -> c == 0;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The versions the comparators name, for validation against a scheme. */
  public List<String> versions() {
    return terms.stream().map(Term::version).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}
