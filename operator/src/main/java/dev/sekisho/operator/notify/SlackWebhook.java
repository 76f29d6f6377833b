package dev.sekisho.operator.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Finding;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.stream.Collectors;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): a message with {@code text}
 * (the notification fallback) and {@code blocks} (section and context blocks within Slack's limits:
 * 3,000 characters per section text, 10 context elements, 50 blocks).
 */
public final class SlackWebhook implements Sink {
  static final int MAX_SECTION = 3000;
  static final int MAX_LISTED = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonHttp http;
  private final URI url;

  public SlackWebhook(JsonHttp http, URI url) {
    this.http = http;
    this.url = url;
  }

  @Override
  public String type() {
    return "slack";
  }

  @Override
  public boolean wants(Notification n) {
    return n.alerting();
  }

  @Override
  public void deliver(Notification n) throws DeliveryException {
    // the URL is the credential: never in an error message
    http.send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(message(n).toString())),
        "POST Slack incoming webhook");
  }

  /** The message for {@code n}. */
  static ObjectNode message(Notification n) {
    String headline = headline(n);
    ObjectNode m = JSON.createObjectNode();
    m.put("text", headline);
    ArrayNode blocks = m.putArray("blocks");
    section(blocks, "*" + escape(headline) + "*");
    if (!n.gained().isEmpty()) {
      StringBuilder list = new StringBuilder("New findings at " + n.minSeverity() + " or above:\n");
      n.gained().stream()
          .limit(MAX_LISTED)
          .forEach(
              f ->
                  list.append("• `")
                      .append(escape(f.getId()))
                      .append("` ")
                      .append(f.getSeverity())
                      .append(f.getPackageName() == null ? "" : " in " + escape(pkg(f)))
                      .append('\n'));
      if (n.gained().size() > MAX_LISTED) {
        list.append("… and ").append(n.gained().size() - MAX_LISTED).append(" more\n");
      }
      section(blocks, list.toString());
    }
    ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
    context
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            truncate(
                "Namespace `"
                    + escape(n.namespace())
                    + "`, ScanResult `"
                    + escape(n.name())
                    + "`, "
                    + n.pods()
                    + " pod(s)"
                    + (n.workloads().isEmpty()
                        ? ""
                        : ": "
                            + n.workloads().stream()
                                .limit(10)
                                .map(w -> escape(w.getKind() + "/" + w.getName()))
                                .collect(Collectors.joining(", ")))));
    return m;
  }

  static String headline(Notification n) {
    StringBuilder s = new StringBuilder(n.imageRef());
    if (n.verdictChanged()) {
      s.append(": verdict ").append(n.verdict());
      if (n.previousVerdict() != null) {
        s.append(" (was ").append(n.previousVerdict()).append(')');
      }
      if (n.decidingPolicy() != null) {
        s.append(" by policy ").append(n.decidingPolicy());
      }
    } else {
      s.append(": ")
          .append(n.gained().size())
          .append(" new finding(s) at ")
          .append(n.minSeverity());
      s.append(" or above (verdict ").append(n.verdict()).append(')');
    }
    return s.toString();
  }

  private static String pkg(Finding f) {
    return f.getPackageName()
        + (f.getInstalledVersion() == null ? "" : " " + f.getInstalledVersion())
        + (f.getFixedVersion() == null ? "" : " (fixed in " + f.getFixedVersion() + ")");
  }

  private static void section(ArrayNode blocks, String text) {
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", truncate(text));
  }

  private static String truncate(String s) {
    return s.length() <= MAX_SECTION ? s : s.substring(0, MAX_SECTION - 1) + "…";
  }

  /** Slack's three control characters in mrkdwn text. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
