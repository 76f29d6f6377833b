package dev.sekisho.operator.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.ZoneOffset;

/**
 * A generic webhook: each notification is one CloudEvent 1.0 in JSON structured mode ({@code
 * Content-Type: application/cloudevents+json}), built and serialised with the CloudEvents Java SDK
 * so the envelope follows the specification, not a hand-written copy of it. The event's {@code id}
 * is stable for a result and change, so a receiver can drop a message it got twice (CloudEvents:
 * source and id identify an event).
 */
public final class CloudEventsWebhook implements Sink {
  /** Event type when the verdict changed (findings may have been added too). */
  public static final String TYPE_VERDICT_CHANGED = "dev.sekisho.scanresult.verdict.changed";

  /** Event type when findings at or above the threshold appeared and the verdict stayed. */
  public static final String TYPE_FINDINGS_ADDED = "dev.sekisho.scanresult.findings.added";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat FORMAT = new JsonFormat();

  private final JsonHttp http;
  private final URI url;
  private final String header;
  private final String value;

  /**
   * @param header credential header name (e.g. Authorization), or null for none
   * @param value its value
   */
  public CloudEventsWebhook(JsonHttp http, URI url, String header, String value) {
    this.http = http;
    this.url = url;
    this.header = header;
    this.value = value;
  }

  @Override
  public String type() {
    return "webhook";
  }

  @Override
  public boolean wants(Notification n) {
    return n.alerting();
  }

  @Override
  public void deliver(Notification n) throws DeliveryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", JsonFormat.CONTENT_TYPE + "; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(FORMAT.serialize(event(n))));
    if (header != null) {
      request.header(header, value);
    }
    http.send(request, "POST " + url.getScheme() + "://" + url.getAuthority() + url.getPath());
  }

  /** The CloudEvent of {@code n}. */
  public static CloudEvent event(Notification n) {
    return CloudEventBuilder.v1()
        .withId(n.id())
        .withSource(
            URI.create(
                "/apis/sekisho.dev/v1alpha1/namespaces/"
                    + n.namespace()
                    + "/scanresults/"
                    + n.name()))
        .withType(n.verdictChanged() ? TYPE_VERDICT_CHANGED : TYPE_FINDINGS_ADDED)
        .withSubject(n.imageRef())
        .withTime(n.time().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(data(n))
        .build();
  }

  private static byte[] data(Notification n) {
    ObjectNode d = JSON.createObjectNode();
    d.put("namespace", n.namespace());
    d.put("scanResult", n.name());
    d.put("image", n.image());
    d.put("digest", n.digest());
    d.put("verdict", n.verdict() == null ? null : n.verdict().name());
    d.put("previousVerdict", n.previousVerdict() == null ? null : n.previousVerdict().name());
    d.put("decidingPolicy", n.decidingPolicy());
    d.put("minSeverity", n.minSeverity().name());
    ObjectNode inUse = d.putObject("inUse");
    inUse.put("pods", n.pods());
    ArrayNode workloads = inUse.putArray("workloads");
    for (WorkloadUse w : n.workloads()) {
      workloads
          .addObject()
          .put("kind", w.getKind())
          .put("name", w.getName())
          .put("pods", w.getPods());
    }
    ArrayNode added = d.putArray("newFindings");
    for (Finding f : n.gained()) {
      ObjectNode o = added.addObject();
      o.put("id", f.getId());
      o.put("severity", f.getSeverity().name());
      o.put("type", f.getType());
      o.put("package", f.getPackageName());
      o.put("installedVersion", f.getInstalledVersion());
      o.put("fixedVersion", f.getFixedVersion());
      if (f.getCvss() != null) {
        o.put("cvss", f.getCvss());
      }
    }
    ArrayNode fixed = d.putArray("fixedFindings");
    n.fixed().forEach(fixed::add);
    try {
      return JSON.writeValueAsBytes(d);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
