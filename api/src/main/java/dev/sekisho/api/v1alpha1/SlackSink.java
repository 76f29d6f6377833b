package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Slack-compatible incoming webhook (its URL is the credential, so it lives in a Secret). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlackSink {
  @JsonPropertyDescription("Secret whose key 'url' is the incoming-webhook URL.")
  @Required
  private SecretReference secretRef;

  public SecretReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
