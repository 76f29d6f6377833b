package dev.sekisho.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The webhook sink against a receiver on 127.0.0.1, checked against the CloudEvents 1.0 JSON format
 * (structured mode): media type, the required attributes and their types, inline JSON data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloudEventsWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");
  private Receiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private CloudEventsWebhook sink() {
    return new CloudEventsWebhook(
        JsonHttp.standard(), receiver.url("/hooks/sekisho"), "Authorization", "Bearer s3cret");
  }

  @Test
  void verdictChangeIsAStructuredModeCloudEvent() throws Exception {
    var result =
        Results.inUse(
            "shop", "app", Verdict.Fail, Results.finding("CVE-2026-0001", Severity.Critical));
    Notification n =
        Notification.of(
            result, new NotifiedState(Verdict.Pass, java.util.List.of()), Severity.High, NOW);

    sink().deliver(n);

    assertThat(receiver.requests).hasSize(1);
    Receiver.Request request = receiver.requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/hooks/sekisho");
    assertThat(request.header("Content-Type"))
        .isEqualTo("application/cloudevents+json; charset=utf-8");
    assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
    JsonNode event = JSON.readTree(request.body());
    // CloudEvents 1.0 required context attributes, each a non-empty string
    for (String attribute : Set.of("specversion", "id", "source", "type")) {
      assertThat(event.path(attribute).isTextual()).as(attribute).isTrue();
      assertThat(event.path(attribute).asText()).as(attribute).isNotEmpty();
    }
    assertThat(event.path("specversion").asText()).isEqualTo("1.0");
    assertThat(event.path("type").asText()).isEqualTo("dev.sekisho.scanresult.verdict.changed");
    assertThat(URI.create(event.path("source").asText()).toString())
        .isEqualTo("/apis/sekisho.dev/v1alpha1/namespaces/shop/scanresults/app");
    // optional attributes: time is an RFC 3339 timestamp, data is inline JSON
    assertThat(OffsetDateTime.parse(event.path("time").asText()).toInstant()).isEqualTo(NOW);
    assertThat(event.path("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(event.path("subject").asText())
        .isEqualTo("registry.example/shop/app:1.0@" + Results.DIGEST);
    assertThat(event.has("data_base64")).isFalse();
    JsonNode data = event.path("data");
    assertThat(data.path("verdict").asText()).isEqualTo("Fail");
    assertThat(data.path("previousVerdict").asText()).isEqualTo("Pass");
    assertThat(data.path("newFindings").get(0).path("id").asText()).isEqualTo("CVE-2026-0001");
    assertThat(data.path("inUse").path("pods").asInt()).isEqualTo(2);
    assertThat(data.path("inUse").path("workloads").get(0).path("name").asText()).isEqualTo("shop");
    // and the SDK reads it back as the same event
    CloudEvent back = new JsonFormat().deserialize(request.body().getBytes(StandardCharsets.UTF_8));
    assertThat(back.getId()).isEqualTo(n.id());
  }

  @Test
  void newFindingsWithTheSameVerdictAreFindingsAdded() throws Exception {
    var result =
        Results.inUse(
            "shop",
            "app",
            Verdict.Pass,
            Results.finding("CVE-2026-0001", Severity.High),
            Results.finding("CVE-2026-0002", Severity.Low));
    Notification n =
        Notification.of(
            result, new NotifiedState(Verdict.Pass, java.util.List.of()), Severity.High, NOW);
    assertThat(n.gained()).extracting(f -> f.getId()).containsExactly("CVE-2026-0001");

    sink().deliver(n);

    JsonNode event = JSON.readTree(receiver.requests.get(0).body());
    assertThat(event.path("type").asText()).isEqualTo("dev.sekisho.scanresult.findings.added");
  }

  @Test
  void sameChangeHasTheSameIdSoReceiversCanDropRepeats() {
    var result =
        Results.inUse("shop", "app", Verdict.Fail, Results.finding("CVE-1", Severity.High));
    NotifiedState told = new NotifiedState(Verdict.Pass, java.util.List.of());
    assertThat(Notification.of(result, told, Severity.High, NOW).id())
        .isEqualTo(Notification.of(result, told, Severity.High, NOW.plusSeconds(60)).id())
        .isNotEqualTo(Notification.of(result, null, Severity.High, NOW).id());
  }

  @Test
  void refusalIsPermanentAndUnavailabilityIsNot() {
    var n = Notification.of(Results.inUse("shop", "app", Verdict.Fail), null, Severity.High, NOW);
    receiver.failNext.set(1);
    assertThatThrownBy(() -> sink().deliver(n))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse())
        .hasMessageContaining("HTTP 503")
        // the answer's text is not repeated: the message reaches the notifier's status, and the
        // destination may be any service the operator can reach
        .hasMessageNotContaining("receiver down");
    receiver.failStatus = 400;
    receiver.failNext.set(1);
    assertThatThrownBy(() -> sink().deliver(n))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isTrue());
  }
}
