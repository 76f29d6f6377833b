package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Jira issues through the REST API v2: one issue per image digest and advisory, found again by a
 * label so refreshes and operator restarts never open a duplicate; commented (and moved with {@code
 * doneTransition}) when the advisory no longer applies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JiraSink {
  @JsonPropertyDescription("Base URL of the Jira site, e.g. https://example.atlassian.net.")
  @Required
  @Pattern("^https?://.+")
  private String url;

  @JsonPropertyDescription("Key of the project the issues are created in.")
  @Required
  @Pattern("^[A-Z][A-Z0-9_]{0,254}$")
  private String project;

  @JsonPropertyDescription("Issue type name; default Bug.")
  private String issueType;

  @JsonPropertyDescription(
      "Name of the workflow transition applied when the advisory is fixed (e.g. Done); without it"
          + " the issue only gets a comment.")
  private String doneTransition;

  @JsonPropertyDescription(
      "Secret with keys 'user' and 'token' (basic auth with an API token), or 'bearer' (a personal"
          + " access token).")
  @Required
  private SecretReference secretRef;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getProject() {
    return project;
  }

  public void setProject(String project) {
    this.project = project;
  }

  public String getIssueType() {
    return issueType;
  }

  public void setIssueType(String issueType) {
    this.issueType = issueType;
  }

  public String getDoneTransition() {
    return doneTransition;
  }

  public void setDoneTransition(String doneTransition) {
    this.doneTransition = doneTransition;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
