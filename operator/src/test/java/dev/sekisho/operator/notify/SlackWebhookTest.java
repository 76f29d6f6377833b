package dev.sekisho.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Slack sink against a receiver on 127.0.0.1, checked against Slack's incoming-webhook message
 * format: a {@code text} fallback and {@code blocks} of known types within Slack's limits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlackWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> BLOCK_TYPES =
      Set.of("section", "context", "header", "divider", "actions", "image");

  @Test
  void messageHasTextAndBlocksWithinSlacksLimits() throws Exception {
    List<Finding> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(Results.finding("CVE-2026-" + (1000 + i) + "<&>", Severity.Critical));
    }
    var result = Results.inUse("shop", "app", Verdict.Fail, many.toArray(Finding[]::new));
    Notification n =
        Notification.of(
            result,
            new NotifiedState(Verdict.Pass, List.of()),
            Severity.High,
            Instant.parse("2026-12-08T01:00:00Z"));
    try (Receiver receiver = new Receiver()) {
      new SlackWebhook(JsonHttp.standard(), receiver.url("/services/T000/B000/XXXX")).deliver(n);

      Receiver.Request request = receiver.requests.get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.header("Content-Type")).startsWith("application/json");
      JsonNode m = JSON.readTree(request.body());
      assertThat(m.path("text").asText())
          .contains("registry.example/shop/app:1.0@" + Results.DIGEST)
          .contains("verdict Fail (was Pass)");
      JsonNode blocks = m.path("blocks");
      assertThat(blocks.isArray()).isTrue();
      assertThat(blocks.size()).isBetween(1, 50);
      for (JsonNode b : blocks) {
        assertThat(BLOCK_TYPES).contains(b.path("type").asText());
        if (b.path("type").asText().equals("section")) {
          assertThat(b.path("text").path("type").asText()).isIn("mrkdwn", "plain_text");
          assertThat(b.path("text").path("text").asText().length()).isBetween(1, 3000);
        }
        if (b.path("type").asText().equals("context")) {
          assertThat(b.path("elements").size()).isBetween(1, 10);
        }
      }
      String listed = blocks.get(1).path("text").path("text").asText();
      // Slack's control characters are escaped, and the list is cut with a count of the rest
      assertThat(listed).contains("CVE-2026-1000&lt;&amp;&gt;").contains("… and 130 more");
    }
  }
}
