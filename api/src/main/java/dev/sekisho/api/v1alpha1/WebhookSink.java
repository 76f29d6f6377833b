package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A generic webhook: each notification is POSTed as one CloudEvent in JSON structured mode. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookSink {
  @JsonPropertyDescription("URL the events are POSTed to (http or https).")
  @Required
  @Pattern("^https?://.+")
  private String url;

  @JsonPropertyDescription(
      "Optional Secret with the credential: key 'token' (sent as 'Authorization: Bearer'), or keys"
          + " 'header' and 'value' (a header of your choice).")
  private SecretReference secretRef;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
