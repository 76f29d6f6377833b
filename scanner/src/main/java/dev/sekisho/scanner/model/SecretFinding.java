package dev.sekisho.scanner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sekisho.api.v1alpha1.Severity;
import java.util.List;

/**
 * A secret found in a file. The secret itself is never kept: only a redacted excerpt.
 *
 * @param ruleId rule id (e.g. aws-access-key-id)
 * @param title human-readable rule title
 * @param severity severity of the rule
 * @param location file (and layer)
 * @param line 1-based line number
 * @param redacted the matched text with all but a short prefix masked
 * @param fingerprint identifies this secret in this file across scans and layers, for allow-lists
 *     (see {@code dev.sekisho.scanner.secret.SecretFingerprint}); null when not known
 * @param fileDigests checksums of the whole file as {@code algorithm:hex} (md5 and sha1), to tell
 *     whether it is a package's file as installed; empty when not computed
 */
public record SecretFinding(
    String ruleId,
    String title,
    Severity severity,
    Location location,
    int line,
    String redacted,
    @JsonInclude(JsonInclude.Include.NON_NULL) String fingerprint,
    // written only where present: in the layer cache, never in an inventory (see InstalledFiles)
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> fileDigests) {

  public SecretFinding {
    fileDigests = fileDigests == null ? List.of() : List.copyOf(fileDigests);
  }

  public SecretFinding(
      String ruleId,
      String title,
      Severity severity,
      Location location,
      int line,
      String redacted) {
    this(ruleId, title, severity, location, line, redacted, null, List.of());
  }

  public SecretFinding(
      String ruleId,
      String title,
      Severity severity,
      Location location,
      int line,
      String redacted,
      String fingerprint) {
    this(ruleId, title, severity, location, line, redacted, fingerprint, List.of());
  }

  /** This finding with the file's checksums. */
  public SecretFinding withFileDigests(List<String> digests) {
    return new SecretFinding(
        ruleId, title, severity, location, line, redacted, fingerprint, digests);
  }

  /** This finding with another title. */
  public SecretFinding withTitle(String newTitle) {
    return new SecretFinding(
        ruleId, newTitle, severity, location, line, redacted, fingerprint, fileDigests);
  }

  /** The file's path without a leading slash (as path globs are written), or "" when unknown. */
  public String relativePath() {
    String path = location == null || location.path() == null ? "" : location.path();
    return path.startsWith("/") ? path.substring(1) : path;
  }
}
