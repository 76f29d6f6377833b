package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.SecretAllowance;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import dev.sekisho.scanner.secret.SecretFingerprint;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CLI's secrets ignore file ({@code sekisho scan --secrets-ignore FILE}): one allowance
 * per line, in the form
 *
 * <pre>
 * # comment
 * FINGERPRINT [expires=DATE] [reason=TEXT TO THE END OF THE LINE]
 * path:GLOB   [expires=DATE] [reason=TEXT TO THE END OF THE LINE]
 * </pre>
 *
 * where FINGERPRINT is a finding's fingerprint as the reports show it, GLOB a path glob without a
 * leading slash, DATE a day ({@code 2027-06-30}, from midnight UTC on) or an RFC 3339 instant.
 * Without {@code expires} an entry does not expire (it is given {@value #NO_EXPIRY}); without
 * {@code reason} its reason names the file and line. Every entry becomes a {@link SecretAllowance}
 * of the scan's policies.
 */
public final class SecretsIgnoreFile {
  /** The expiry of an entry without one. */
  static final String NO_EXPIRY = "9999-12-31T00:00:00Z";

  private SecretsIgnoreFile() {}

  /**
   * @throws PolicyFileException naming the file, the line and the problem
   */
  public static List<SecretAllowance> load(Path file) throws PolicyFileException {
    DocumentLimits limits = DocumentLimits.SECRETS_IGNORE;
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(limits.read(file)))
              .toString();
    } catch (DocumentException e) {
      throw new PolicyFileException(e.getMessage(), e);
    } catch (CharacterCodingException e) {
      throw new PolicyFileException("secrets ignore file " + file + " is not UTF-8 text", e);
    }
    return parse(text, file.toString());
  }

  /** Parses the text of an ignore file named {@code source} (for messages). */
  public static List<SecretAllowance> parse(String text, String source) throws PolicyFileException {
    List<SecretAllowance> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int n = 1; n <= lines.length; n++) {
      String line = lines[n - 1].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "secrets ignore file " + source + " line " + n + ": ";
      SecretAllowance a = new SecretAllowance();
      String rest;
      int blank = indexOfBlank(line);
      String entry = blank < 0 ? line : line.substring(0, blank);
      rest = blank < 0 ? "" : line.substring(blank).strip();
      if (entry.startsWith("path:")) {
        String glob = entry.substring("path:".length());
        if (glob.startsWith("/")) {
          glob = glob.substring(1);
        }
        String problem = Glob.problem(glob).orElse(glob.isEmpty() ? "empty glob" : null);
        if (problem != null) {
          throw new PolicyFileException(where + "path '" + glob + "': " + problem);
        }
        a.setPath(glob);
      } else if (SecretFingerprint.FORMAT.matcher(entry).matches()) {
        a.setFingerprint(entry);
      } else {
        throw new PolicyFileException(
            where
                + "'"
                + entry
                + "' is neither a fingerprint (32 lower-case hex digits, as the reports show"
                + " them) nor path:GLOB");
      }
      while (!rest.isEmpty()) {
        if (rest.startsWith("reason=")) {
          String reason = rest.substring("reason=".length()).strip();
          if (reason.isEmpty()) {
            throw new PolicyFileException(where + "empty reason=");
          }
          a.setReason(reason);
          break; // the reason runs to the end of the line
        }
        blank = indexOfBlank(rest);
        String word = blank < 0 ? rest : rest.substring(0, blank);
        rest = blank < 0 ? "" : rest.substring(blank).strip();
        if (word.startsWith("expires=")) {
          a.setExpires(expiry(word.substring("expires=".length()), where));
        } else {
          throw new PolicyFileException(
              where + "unknown '" + word + "' (expected expires=DATE or reason=TEXT)");
        }
      }
      if (a.getExpires() == null) {
        a.setExpires(OffsetDateTime.parse(NO_EXPIRY));
      }
      if (a.getReason() == null) {
        a.setReason("listed in " + source + " line " + n);
      }
      out.add(a);
    }
    return out;
  }

  private static OffsetDateTime expiry(String text, String where) throws PolicyFileException {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new PolicyFileException(
          where
              + "expires='"
              + text
              + "' is neither a day (2027-06-30) nor an RFC 3339 instant"
              + " (2027-06-30T12:00:00Z)");
    }
  }

  private static int indexOfBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
