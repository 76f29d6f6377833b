package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One destination of a ScanNotifier: exactly one of webhook, slack and jira. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationSink {
  @JsonPropertyDescription("Name of the sink, unique in the notifier (a DNS label).")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  private String name;

  @JsonPropertyDescription("A generic webhook receiving CloudEvents 1.0 JSON (structured mode).")
  private WebhookSink webhook;

  @JsonPropertyDescription("A Slack-compatible incoming webhook.")
  private SlackSink slack;

  @JsonPropertyDescription("Jira issues, one per image digest and advisory.")
  private JiraSink jira;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public WebhookSink getWebhook() {
    return webhook;
  }

  public void setWebhook(WebhookSink webhook) {
    this.webhook = webhook;
  }

  public SlackSink getSlack() {
    return slack;
  }

  public void setSlack(SlackSink slack) {
    this.slack = slack;
  }

  public JiraSink getJira() {
    return jira;
  }

  public void setJira(JiraSink jira) {
    this.jira = jira;
  }
}
