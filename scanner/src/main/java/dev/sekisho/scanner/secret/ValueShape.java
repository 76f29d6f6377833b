package dev.sekisho.scanner.secret;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether the value of a generic assignment ({@code password = …}, {@code DB_PASSWORD=…}, {@code
 * client_secret: …}) has the shape of a secret. The name alone says little (a field called {@code
 * token_type}, a Perl module called {@code …EndToken}): the value decides.
 *
 * <p>A value is a secret when it is at least {@value #MIN_LENGTH} characters long, mixes at least
 * two character classes (lower case, upper case, digits, symbols), has a Shannon entropy of at
 * least {@link #minEntropy(int)} bits per character, and is none of: a URL ({@code scheme://…}), a
 * file path ({@code /…}, {@code ./…}, {@code ~/…}, {@code C:\…}), a dotted or colon-separated
 * identifier ({@code Pod::Simple::X}, {@code a.b.c}, {@code os.environ}), letters with only {@code
 * _ . -} between them ({@code quoted-string}, {@code PullParserEndToken}, as gitleaks' generic
 * rule's allow-list {@code ^[a-zA-Z_.-]+$}), a placeholder ({@code changeme}, {@code ${VAR}},
 * {@code <password>}, {@code %(pw)s}, {@code xxx}, {@code ***}, {@code {{ .Values.x }}}), or a
 * reference to another variable ({@code $VAR}, {@code %VAR%}, {@code @var}).
 */
final class ValueShape {
  private ValueShape() {}

  /** The shortest value taken for a secret. */
  static final int MIN_LENGTH = 8;

  /** The entropy asked of values of 20 characters or more (gitleaks' generic-api-key uses 3.5). */
  static final double FULL_ENTROPY = 3.5;

  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]{1,20}://.*");
  private static final Pattern PATH =
      Pattern.compile("^(?:/|\\./|\\.\\./|~/|[A-Za-z]:\\\\|\\\\\\\\).*");
  private static final Pattern IDENTIFIER =
      Pattern.compile(
          "^[A-Za-z_$][A-Za-z0-9_$-]*(?:(?:\\.|::?|->)[A-Za-z_$][A-Za-z0-9_$-]*)+(?:\\(\\))?$");
  private static final Pattern WORDS =
      Pattern.compile("^[A-Za-z_.-]+$|^[A-Za-z]+[0-9]*(?:[_.-][A-Za-z]+[0-9]*)+$");
  private static final Pattern REFERENCE =
      Pattern.compile(
          "^(?:\\$\\{?[A-Za-z_][A-Za-z0-9_.]*\\}?|%[A-Za-z_][A-Za-z0-9_]*%|@[A-Za-z_].*)$");
  private static final Pattern PLACEHOLDER =
      Pattern.compile(
          "^(?:<[^>]*>|\\[[^]]*]|\\{[^}]*}|%\\([^)]*\\)[sd]|:[A-Za-z_]+)$"
              + "|\\$\\{|\\{\\{|\\$\\(|%s|(.)\\1{3,}|xxx|\\*\\*\\*|\\.\\.\\.");

  /** Lower-case substrings that mark a placeholder or a documented example. */
  private static final String[] PLACEHOLDER_WORDS = {
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "example",
    "dummy",
    "sample",
    "secret123",
    "password123",
    "your_",
    "your-",
    "redacted",
    "replace",
    "insert",
    "todo",
    "fixme",
    "notreal",
    "not_a_real",
    "fake"
  };

  /**
   * The entropy a value of this length must reach: {@value #FULL_ENTROPY} bits per character from
   * 20 characters on; shorter values cannot reach that (8 distinct characters give at most 3 bits),
   * so they need 85% of the most their length allows.
   */
  static double minEntropy(int length) {
    return Math.min(FULL_ENTROPY, 0.85 * Math.log(length) / Math.log(2));
  }

  /** Whether {@code value} has the shape of a secret (see the class comment). */
  static boolean isSecret(String value) {
    return why(value) == null;
  }

  /** Why {@code value} is not a secret, or null when it has the shape of one. */
  static String why(String value) {
    if (value.length() < MIN_LENGTH) {
      return "shorter than " + MIN_LENGTH;
    }
    if (URL.matcher(value).matches()) {
      return "a URL";
    }
    if (PATH.matcher(value).matches()) {
      return "a path";
    }
    if (WORDS.matcher(value).matches()) {
      return "words";
    }
    if (IDENTIFIER.matcher(value).matches()) {
      return "an identifier";
    }
    if (REFERENCE.matcher(value).matches()) {
      return "a reference";
    }
    if (PLACEHOLDER.matcher(value).find()) {
      return "a placeholder";
    }
    String lower = value.toLowerCase(Locale.ROOT);
    for (String w : PLACEHOLDER_WORDS) {
      if (lower.contains(w)) {
        return "a placeholder";
      }
    }
    if (classes(value) < 2) {
      return "one character class";
    }
    if (SecretScanner.shannonEntropy(value) < minEntropy(value.length())) {
      return "low entropy";
    }
    return null;
  }

  /** How many of lower case, upper case, digits and other characters occur. */
  private static int classes(String s) {
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
  }
}
