package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.time.OffsetDateTime;

/**
 * Secret findings a team accepts: those in files whose path matches a glob, or the one finding with
 * a fingerprint. Like an exception it has an expiry and a reason; an expired one stops applying and
 * is reported as such. Allowed findings are still listed in the reports, marked allowed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretAllowance {
  @JsonPropertyDescription(
      "Glob over the file's path in the image, without a leading slash (e.g. 'app/testdata/**',"
          + " '**/*.example.env'): '*' within a path segment, '**' across segments. Give either"
          + " path or fingerprint.")
  @Size(min = 1, max = 1024)
  private String path;

  @JsonPropertyDescription(
      "Fingerprint of one finding, as the reports show it (32 hex digits): the same secret in the"
          + " same file, whatever its line or layer. Give either path or fingerprint.")
  @Pattern("^[0-9a-f]{32}$")
  private String fingerprint;

  @JsonPropertyDescription(
      "Instant (RFC 3339, e.g. 2026-12-31T00:00:00Z) from which the allowance no longer applies.")
  @Required
  private OffsetDateTime expires;

  @JsonPropertyDescription("Why the findings are accepted, and by whom (shown in reports).")
  @Required
  @Size(min = 1, max = 1024)
  private String reason;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getFingerprint() {
    return fingerprint;
  }

  public void setFingerprint(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  public OffsetDateTime getExpires() {
    return expires;
  }

  public void setExpires(OffsetDateTime expires) {
    this.expires = expires;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
