package dev.sekisho.operator.notify;

import dev.sekisho.api.v1alpha1.JiraSink;
import dev.sekisho.api.v1alpha1.NotificationSink;
import dev.sekisho.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a {@link Sink} from a {@code spec.sinks[]} entry and the Secret it references (read from
 * the ScanNotifier's namespace); a problem is an {@link InvalidSink} naming the field or key.
 */
final class SinkFactory {
  /** A sink that cannot be built; the message names the sink and what is wrong. */
  static final class InvalidSink extends Exception {
    InvalidSink(String message) {
      super(message);
    }
  }

  private final JsonHttp http;

  SinkFactory(JsonHttp http) {
    this.http = http;
  }

  /**
   * @param secrets the Secret of that name in the notifier's namespace, or null when there is none
   */
  Sink build(NotificationSink spec, Function<String, Secret> secrets) throws InvalidSink {
    String name = spec.getName();
    int kinds =
        (spec.getWebhook() == null ? 0 : 1)
            + (spec.getSlack() == null ? 0 : 1)
            + (spec.getJira() == null ? 0 : 1);
    if (kinds != 1) {
      throw new InvalidSink("sink " + name + ": set exactly one of webhook, slack and jira");
    }
    if (spec.getWebhook() != null) {
      URI url = uri(name, "webhook.url", spec.getWebhook().getUrl());
      SecretReference ref = spec.getWebhook().getSecretRef();
      if (ref == null) {
        return new CloudEventsWebhook(http, url, null, null);
      }
      Map<String, String> data = data(name, ref, secrets);
      if (data.containsKey("token")) {
        return new CloudEventsWebhook(http, url, "Authorization", "Bearer " + data.get("token"));
      }
      if (data.containsKey("header") && data.containsKey("value")) {
        return new CloudEventsWebhook(http, url, data.get("header").strip(), data.get("value"));
      }
      throw new InvalidSink(
          "sink "
              + name
              + ": Secret "
              + ref.getName()
              + " has neither key 'token' nor keys 'header' and 'value'");
    }
    if (spec.getSlack() != null) {
      SecretReference ref = spec.getSlack().getSecretRef();
      if (ref == null) {
        throw new InvalidSink("sink " + name + ": slack.secretRef is required (key 'url')");
      }
      String url = data(name, ref, secrets).get("url");
      if (url == null) {
        throw new InvalidSink("sink " + name + ": Secret " + ref.getName() + " has no key 'url'");
      }
      return new SlackWebhook(
          http, uri(name, "Secret " + ref.getName() + " key 'url'", url.strip()));
    }
    JiraSink jira = spec.getJira();
    URI url = uri(name, "jira.url", jira.getUrl());
    if (jira.getProject() == null || jira.getProject().isBlank()) {
      throw new InvalidSink("sink " + name + ": jira.project is required");
    }
    if (jira.getSecretRef() == null) {
      throw new InvalidSink("sink " + name + ": jira.secretRef is required");
    }
    Map<String, String> data = data(name, jira.getSecretRef(), secrets);
    String authorization;
    if (data.containsKey("bearer")) {
      authorization = "Bearer " + data.get("bearer").strip();
    } else if (data.containsKey("user") && data.containsKey("token")) {
      authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (data.get("user").strip() + ":" + data.get("token").strip())
                          .getBytes(StandardCharsets.UTF_8));
    } else {
      throw new InvalidSink(
          "sink "
              + name
              + ": Secret "
              + jira.getSecretRef().getName()
              + " has neither keys 'user' and 'token' nor key 'bearer'");
    }
    return new JiraIssues(
        http, url, jira.getProject(), jira.getIssueType(), jira.getDoneTransition(), authorization);
  }

  private static URI uri(String sink, String field, String value) throws InvalidSink {
    if (value == null || !(value.startsWith("http://") || value.startsWith("https://"))) {
      throw new InvalidSink("sink " + sink + ": " + field + " must be an http or https URL");
    }
    try {
      URI u = URI.create(value);
      if (u.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new InvalidSink(
          "sink " + sink + ": " + field + " is not a valid URL: " + e.getMessage());
    }
  }

  private static Map<String, String> data(
      String sink, SecretReference ref, Function<String, Secret> secrets) throws InvalidSink {
    if (ref.getName() == null || ref.getName().isBlank()) {
      throw new InvalidSink("sink " + sink + ": secretRef.name is required");
    }
    Secret secret = secrets.apply(ref.getName());
    if (secret == null) {
      throw new InvalidSink(
          "sink " + sink + ": Secret " + ref.getName() + " not found in the notifier's namespace");
    }
    Map<String, String> out = new java.util.HashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      out.putAll(secret.getStringData());
    }
    return out;
  }
}
