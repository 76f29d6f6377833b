package dev.sekisho.operator.notify;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications off the reconciler's thread: one queue per sink, each delivered in order
 * by a small shared pool, so a slow or failing sink never blocks the evaluation of results or the
 * other sinks.
 *
 * <p>A queue holds at most one notification per ScanResult (a newer change of the same result
 * replaces the waiting one: the sink is told the latest state) and at most {@code capacity} in all:
 * when full, the oldest is dropped, counted in {@code sekisho_notifications_total{outcome=
 * "dropped"}} and logged. A dropped change is not lost for good: its result still differs from what
 * the sink was told, so the notifier's next pass (a change, or the periodic resync) offers it
 * again. A failed delivery is retried with exponential backoff from {@code initialBackoff},
 * doubling up to {@code maxBackoff}, for as long as it waits in the queue; one the receiver refuses
 * (a 4xx other than 408 and 429) is not retried. Deliveries are reported to {@link Listener}.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** A sink: the notifier's namespace and name and the sink's name. */
  public record SinkKey(String namespace, String notifier, String sink) {}

  /** What a sink's queue reports for the notifier's status. */
  public record SinkState(
      Instant lastDelivered, String lastError, Instant lastErrorTime, int pending) {}

  /** Told about every delivery (on a pool thread). */
  public interface Listener {
    /**
     * {@code n} was delivered to {@code sink}, or refused for good ({@code refused}): either way
     * the sink need not be told again.
     */
    void settled(SinkKey sink, Notification n, boolean refused);

    /** A delivery attempt failed (it may be retried). */
    void failed(SinkKey sink, Notification n, String error);
  }

  private final ScheduledExecutorService pool;
  private final Map<SinkKey, Queue> queues = new ConcurrentHashMap<>();
  private final int capacity;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final MeterRegistry meters;
  private volatile Listener listener;
  private volatile java.util.function.Predicate<SinkKey> alive = k -> true;

  public Dispatcher(
      int capacity,
      Duration initialBackoff,
      Duration maxBackoff,
      Clock clock,
      MeterRegistry meters) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
    this.meters = meters;
    this.pool =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().daemon().name("notify-", 0).factory());
  }

  public void listener(Listener listener) {
    this.listener = listener;
  }

  /**
   * Tells whether a sink's notifier still exists; a queue whose notifier is gone is dropped at its
   * next delivery attempt.
   */
  public void liveness(java.util.function.Predicate<SinkKey> alive) {
    this.alive = alive;
  }

  /** Sets (or replaces, e.g. after a Secret changed) the sink behind {@code key}. */
  public void configure(SinkKey key, Sink sink) {
    queues.compute(
        key,
        (k, q) -> {
          if (q == null) {
            return new Queue(k, sink, capacity);
          }
          q.sink = sink;
          return q;
        });
  }

  /** Forgets the sinks of a notifier that are not in {@code keep} (and their waiting messages). */
  public void retain(String namespace, String notifier, java.util.Set<SinkKey> keep) {
    queues
        .keySet()
        .removeIf(
            k ->
                k.namespace().equals(namespace)
                    && k.notifier().equals(notifier)
                    && !keep.contains(k));
  }

  /**
   * Whether {@code key}'s queue already waits to tell the sink {@code state} about result, or has
   * just told it and the record of that (the annotation) may not be visible yet.
   */
  public boolean waiting(SinkKey key, String result, NotifiedState state) {
    Queue q = queues.get(key);
    if (q == null) {
      return false;
    }
    synchronized (q) {
      Notification n = q.pending.get(result);
      if (n != null) {
        return n.state().sameAs(state);
      }
      NotifiedState told = q.delivered.get(result);
      return told != null && told.sameAs(state);
    }
  }

  /** Queues {@code n} about {@code result} for {@code key}, replacing one waiting for it. */
  public void offer(SinkKey key, String result, Notification n) {
    Queue q = queues.get(key);
    if (q == null) {
      throw new IllegalStateException("sink " + key + " is not configured");
    }
    boolean start;
    synchronized (q) {
      if (!q.pending.containsKey(result) && q.pending.size() >= capacity) {
        Iterator<Map.Entry<String, Notification>> oldest = q.pending.entrySet().iterator();
        Map.Entry<String, Notification> dropped = oldest.next();
        oldest.remove();
        meters
            .counter("sekisho_notifications_total", "sink", q.sink.type(), "outcome", "dropped")
            .increment();
        LOG.warn(
            "notification queue full, oldest dropped (offered again on the next pass)"
                + " notifier={}/{} sink={} result={} capacity={}",
            key.namespace(),
            key.notifier(),
            key.sink(),
            dropped.getKey(),
            capacity);
      }
      q.pending.put(result, n);
      start = !q.scheduled;
      q.scheduled = true;
    }
    if (start) {
      schedule(q, Duration.ZERO);
    }
  }

  /**
   * Withdraws the notification waiting about {@code result}, if any, and forgets what was just
   * delivered about it (the sink is up to date and the record is visible).
   */
  public void cancel(SinkKey key, String result) {
    Queue q = queues.get(key);
    if (q != null) {
      synchronized (q) {
        q.pending.remove(result);
        q.delivered.remove(result);
      }
    }
  }

  /** The state of a sink's queue; null when it is not configured. */
  public SinkState state(SinkKey key) {
    Queue q = queues.get(key);
    if (q == null) {
      return null;
    }
    synchronized (q) {
      return new SinkState(q.lastDelivered, q.lastError, q.lastErrorTime, q.pending.size());
    }
  }

  private void schedule(Queue q, Duration delay) {
    if (pool.isShutdown()) {
      return;
    }
    pool.schedule(() -> drain(q), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Delivers the queue's head; schedules the next run (at once, or after a backoff). */
  private void drain(Queue q) {
    String result;
    Notification n;
    Sink sink;
    if (!alive.test(q.key)) {
      queues.remove(q.key, q);
      LOG.info(
          "notifier gone, its queue dropped notifier={}/{} sink={}",
          q.key.namespace(),
          q.key.notifier(),
          q.key.sink());
    }
    synchronized (q) {
      if (q.pending.isEmpty() || queues.get(q.key) != q) {
        q.scheduled = false;
        return;
      }
      Map.Entry<String, Notification> head = q.pending.entrySet().iterator().next();
      result = head.getKey();
      n = head.getValue();
      sink = q.sink;
    }
    Duration next = Duration.ZERO;
    try {
      sink.deliver(n);
      settle(q, result, n, false, null);
    } catch (DeliveryException e) {
      String error = e.getMessage();
      meters
          .counter("sekisho_notifications_total", "sink", sink.type(), "outcome", "failed")
          .increment();
      if (e.permanent()) {
        LOG.warn(
            "notification refused, not retried notifier={}/{} sink={} result={}: {}",
            q.key.namespace(),
            q.key.notifier(),
            q.key.sink(),
            result,
            error);
        settle(q, result, n, true, error);
      } else {
        synchronized (q) {
          q.attempts++;
          q.lastError = error;
          q.lastErrorTime = clock.instant();
          next = backoff(q.attempts);
        }
        LOG.warn(
            "notification failed, retry in {}ms notifier={}/{} sink={} result={} attempt={}: {}",
            next.toMillis(),
            q.key.namespace(),
            q.key.notifier(),
            q.key.sink(),
            result,
            q.attempts,
            error);
        notifyFailed(q.key, n, error);
      }
    } catch (RuntimeException e) {
      // a bug in a sink must not kill the queue: retried like a transient failure
      LOG.error("notification sink {} failed unexpectedly", sink.type(), e);
      synchronized (q) {
        q.attempts++;
        q.lastError = e.toString();
        q.lastErrorTime = clock.instant();
        next = backoff(q.attempts);
      }
    }
    schedule(q, next);
  }

  private void settle(Queue q, String result, Notification n, boolean refused, String error) {
    synchronized (q) {
      // a newer change that replaced n while it was sent stays queued
      q.pending.remove(result, n);
      q.delivered.put(result, n.state());
      q.attempts = 0;
      if (refused) {
        q.lastError = error;
        q.lastErrorTime = clock.instant();
      } else {
        q.lastError = null;
        q.lastErrorTime = null;
        q.lastDelivered = clock.instant();
        meters
            .counter("sekisho_notifications_total", "sink", q.sink.type(), "outcome", "delivered")
            .increment();
      }
    }
    Listener l = listener;
    if (l != null) {
      l.settled(q.key, n, refused);
    }
  }

  private void notifyFailed(SinkKey key, Notification n, String error) {
    Listener l = listener;
    if (l != null) {
      l.failed(key, n, error);
    }
  }

  Duration backoff(int attempts) {
    long millis = initialBackoff.toMillis();
    for (int i = 1; i < attempts && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static final class Queue {
    final SinkKey key;
    volatile Sink sink;
    final LinkedHashMap<String, Notification> pending = new LinkedHashMap<>();

    /**
     * What was last delivered per result until a pass sees it recorded (the annotation write and
     * the informer's update lag behind the delivery); bounded like the queue, oldest forgotten.
     */
    final LinkedHashMap<String, NotifiedState> delivered;

    boolean scheduled;
    int attempts;
    Instant lastDelivered;
    String lastError;
    Instant lastErrorTime;

    Queue(SinkKey key, Sink sink, int capacity) {
      this.key = Objects.requireNonNull(key);
      this.sink = sink;
      this.delivered =
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, NotifiedState> eldest) {
              return size() > capacity;
            }
          };
    }
  }
}
