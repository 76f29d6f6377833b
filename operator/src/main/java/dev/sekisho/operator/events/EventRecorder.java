package dev.sekisho.operator.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits {@code events.k8s.io/v1} Events about an object. An Event that cannot be written is logged
 * and dropped: Events are best-effort in Kubernetes and must never fail a reconciliation.
 */
public final class EventRecorder {
  public static final String CONTROLLER = "sekisho.dev/operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

  public enum Type {
    Normal,
    Warning
  }

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, String instance, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
  }

  /**
   * Records an Event about {@code regarding} (in its namespace).
   *
   * @param reason UpperCamelCase machine-readable reason
   * @param action what the operator did (Evaluate, Stop)
   * @param note human-readable message (truncated to the API's 1 KiB limit)
   */
  public void record(HasMetadata regarding, Type type, String reason, String action, String note) {
    var now = clock.instant();
    String namespace = regarding.getMetadata().getNamespace();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            // The name client-go's recorder gives: object name, '.', event time in hex nanos.
            .withName(
                regarding.getMetadata().getName()
                    + "."
                    + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
            .withNamespace(namespace)
            .endMetadata()
            .withEventTime(new MicroTime(MICRO_TIME.format(now)))
            .withReportingController(CONTROLLER)
            .withReportingInstance(instance)
            .withType(type.name())
            .withReason(reason)
            .withAction(action)
            .withNote(note.length() > 1024 ? note.substring(0, 1021) + "..." : note)
            .withRegarding(
                new ObjectReferenceBuilder()
                    .withApiVersion(regarding.getApiVersion())
                    .withKind(regarding.getKind())
                    .withNamespace(namespace)
                    .withName(regarding.getMetadata().getName())
                    .withUid(regarding.getMetadata().getUid())
                    .withResourceVersion(regarding.getMetadata().getResourceVersion())
                    .build())
            .build();
    try {
      client.resource(event).create();
      LOG.info(
          "event kind={} namespace={} name={} reason={} note=\"{}\"",
          regarding.getKind(),
          namespace,
          regarding.getMetadata().getName(),
          reason,
          note);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "cannot record event reason={} for {}/{}: {}",
          reason,
          namespace,
          regarding.getMetadata().getName(),
          e.getMessage());
    }
  }
}
