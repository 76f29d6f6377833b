package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * An accepted risk: findings with this id stop violating until the exception expires. Every
 * exception has an expiry and a reason; an expired one stops applying and is reported as such.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PolicyException {
  @JsonPropertyDescription(
      "Vulnerability id or alias (CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, DSA-…), secret rule id, or"
          + " rule name (e.g. config/root-user) that this exception covers.")
  @Required
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
  private String id;

  @JsonPropertyDescription(
      "Package name globs the exception is limited to (e.g. 'openssl', 'org.apache.logging.*')."
          + " Empty: any package.")
  private List<String> packages = new ArrayList<>();

  @JsonPropertyDescription("Image reference globs the exception is limited to. Empty: any image.")
  private List<String> images = new ArrayList<>();

  @JsonPropertyDescription(
      "Instant (RFC 3339, e.g. 2026-12-31T00:00:00Z) from which the exception no longer applies.")
  @Required
  private OffsetDateTime expires;

  @JsonPropertyDescription("Why the risk is accepted, and by whom (shown in reports).")
  @Required
  @Size(min = 1, max = 1024)
  private String reason;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public List<String> getPackages() {
    return packages;
  }

  public void setPackages(List<String> packages) {
    this.packages = packages == null ? new ArrayList<>() : packages;
  }

  public List<String> getImages() {
    return images;
  }

  public void setImages(List<String> images) {
    this.images = images == null ? new ArrayList<>() : images;
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
