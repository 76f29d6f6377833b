package dev.sekisho.operator.notify;

/** A destination of notifications (one per {@code spec.sinks[]} entry of a ScanNotifier). */
public interface Sink {
  /** Short type name for logs and metrics: webhook, slack, jira. */
  String type();

  /** Whether this sink sends anything for {@code n}; when not, the change is not recorded. */
  boolean wants(Notification n);

  /**
   * Sends {@code n}; idempotent enough to be called again after a failure (a retry may repeat a
   * webhook message, never a Jira issue).
   */
  void deliver(Notification n) throws DeliveryException;
}
