package dev.sekisho.scanner.secret;

import dev.sekisho.api.v1alpha1.Severity;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of secret.
 *
 * @param id stable id (reported, and usable as an exception id), e.g. aws-access-key-id
 * @param title human-readable name
 * @param severity severity of a finding
 * @param keywords ASCII strings, matched case-insensitively, one of which must occur in a file for
 *     the regex to run at all
 * @param pattern the regex; group {@code secretGroup} is the secret itself
 * @param secretGroup the group holding the secret (0 for the whole match)
 * @param checksShape true when the secret must also have the shape of one ({@link ValueShape}): for
 *     generic rules, whose names say little and whose values can be anything
 * @param multiLine true when a match can span lines or lie on another line than the keyword (the
 *     regex then runs over the whole file); false to run it only on the lines holding a keyword
 * @param startsAtKeyword true when every match begins where one of the keywords begins (the regex
 *     opens with the keyword itself, possibly after {@code \b} or {@code (?i)}): the regex is then
 *     only tried at each keyword occurrence ({@link java.util.regex.Matcher#lookingAt}) instead of
 *     being searched for along the whole line. A wrong claim loses findings, so every built-in rule
 *     that makes it is checked against the line search by a test.
 */
public record SecretRule(
    String id,
    String title,
    Severity severity,
    List<String> keywords,
    Pattern pattern,
    int secretGroup,
    boolean checksShape,
    boolean multiLine,
    boolean startsAtKeyword) {

  public SecretRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pattern, "pattern");
    keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    if (multiLine && startsAtKeyword) {
      throw new IllegalArgumentException(
          "rule " + id + ": a rule spanning lines is searched for, not tried at its keywords");
    }
    if (keywords.isEmpty()) {
      throw new IllegalArgumentException("rule " + id + " needs at least one keyword");
    }
    for (String k : keywords) {
      if (!k.chars().allMatch(c -> c > 0 && c < 128)) {
        throw new IllegalArgumentException("rule " + id + ": keyword '" + k + "' is not ASCII");
      }
    }
  }

  static SecretRule of(
      String id, String title, Severity severity, String regex, int group, String... keywords) {
    return new SecretRule(
        id, title, severity, List.of(keywords), Pattern.compile(regex), group, false, false, false);
  }

  /** This rule, with matches spanning lines or away from the keyword's line. */
  SecretRule spanningLines() {
    return with(true, false);
  }

  /** This rule, whose every match begins where one of its keywords begins. */
  SecretRule startingAtKeyword() {
    return with(multiLine, true);
  }

  /** This rule, searched for along the lines holding a keyword (as every rule could be). */
  SecretRule searchedAlongLines() {
    return with(multiLine, false);
  }

  private SecretRule with(boolean multiLine, boolean startsAtKeyword) {
    return new SecretRule(
        id,
        title,
        severity,
        keywords,
        pattern,
        secretGroup,
        checksShape,
        multiLine,
        startsAtKeyword);
  }
}
