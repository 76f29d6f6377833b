package dev.sekisho.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery queue: a sink that fails and then recovers gets the notification once it is back
 * (retried with backoff, never blocking the caller), a refused one is not retried, a full queue
 * drops its oldest entry, and a newer change of the same result replaces the waiting one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DispatcherTest {
  private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");
  private static final Dispatcher.SinkKey KEY = new Dispatcher.SinkKey("shop", "team", "hook");

  /** Records what the dispatcher reports. */
  private static final class Outcomes implements Dispatcher.Listener {
    final List<Notification> settled = new CopyOnWriteArrayList<>();
    final List<Boolean> refused = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final CountDownLatch done = new CountDownLatch(1);

    @Override
    public void settled(Dispatcher.SinkKey sink, Notification n, boolean refusedForGood) {
      settled.add(n);
      refused.add(refusedForGood);
      done.countDown();
    }

    @Override
    public void failed(Dispatcher.SinkKey sink, Notification n, String error) {
      failures.add(error);
    }
  }

  private static Notification change(String name) {
    return Notification.of(
        Results.inUse("shop", name, Verdict.Fail, Results.finding("CVE-1", Severity.High)),
        null,
        Severity.High,
        NOW);
  }

  @Test
  void failingSinkIsRetriedWithBackoffUntilItRecovers() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Receiver receiver = new Receiver();
        Dispatcher d =
            new Dispatcher(
                10, Duration.ofMillis(20), Duration.ofMillis(200), Clock.systemUTC(), meters)) {
      receiver.failNext.set(3);
      Outcomes outcomes = new Outcomes();
      d.listener(outcomes);
      d.configure(KEY, new CloudEventsWebhook(JsonHttp.standard(), receiver.url("/"), null, null));
      Notification n = change("app");
      d.offer(KEY, "shop/app", n); // returns at once: delivery is on the pool

      assertThat(outcomes.done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(receiver.requests).hasSize(4);
      assertThat(outcomes.failures).hasSize(3).allMatch(e -> e.contains("HTTP 503"));
      assertThat(outcomes.settled).containsExactly(n);
      assertThat(outcomes.refused).containsExactly(false);
      // until a pass sees the delivery recorded on the result, it is not offered again
      assertThat(d.waiting(KEY, "shop/app", n.state())).isTrue();
      d.cancel(KEY, "shop/app");
      assertThat(d.waiting(KEY, "shop/app", n.state())).isFalse();
      Dispatcher.SinkState state = d.state(KEY);
      assertThat(state.pending()).isZero();
      assertThat(state.lastError()).isNull();
      assertThat(state.lastDelivered()).isNotNull();
      assertThat(
              meters
                  .counter("sekisho_notifications_total", "sink", "webhook", "outcome", "failed")
                  .count())
          .isEqualTo(3.0);
    }
  }

  @Test
  void backoffDoublesUpToTheBound() {
    try (Dispatcher d =
        new Dispatcher(
            1,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            Clock.systemUTC(),
            new SimpleMeterRegistry())) {
      assertThat(List.of(d.backoff(1), d.backoff(2), d.backoff(3), d.backoff(9), d.backoff(30)))
          .containsExactly(
              Duration.ofSeconds(1),
              Duration.ofSeconds(2),
              Duration.ofSeconds(4),
              Duration.ofMinutes(4).plusSeconds(16),
              Duration.ofMinutes(5));
    }
  }

  @Test
  void refusedNotificationIsNotRetried() throws Exception {
    try (Receiver receiver = new Receiver();
        Dispatcher d =
            new Dispatcher(
                10,
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                Clock.systemUTC(),
                new SimpleMeterRegistry())) {
      receiver.failStatus = 422;
      receiver.failNext.set(1);
      Outcomes outcomes = new Outcomes();
      d.listener(outcomes);
      d.configure(KEY, new CloudEventsWebhook(JsonHttp.standard(), receiver.url("/"), null, null));
      d.offer(KEY, "shop/app", change("app"));

      assertThat(outcomes.done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(outcomes.refused).containsExactly(true);
      assertThat(receiver.requests).hasSize(1);
      assertThat(d.state(KEY).lastError()).contains("HTTP 422");
    }
  }

  @Test
  void fullQueueDropsItsOldestAndANewerChangeReplacesTheWaitingOne() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CountDownLatch never = new CountDownLatch(1);
    List<String> delivered = new CopyOnWriteArrayList<>();
    Sink blocked =
        new Sink() {
          @Override
          public String type() {
            return "webhook";
          }

          @Override
          public boolean wants(Notification n) {
            return true;
          }

          @Override
          public void deliver(Notification n) throws DeliveryException {
            delivered.add(n.name());
            throw new DeliveryException("down", false);
          }
        };
    try (Dispatcher d =
        new Dispatcher(2, Duration.ofHours(1), Duration.ofHours(1), Clock.systemUTC(), meters)) {
      d.configure(KEY, blocked);
      Notification a = change("a");
      d.offer(KEY, "shop/a", a);
      d.offer(KEY, "shop/b", change("b"));
      Notification newerB =
          Notification.of(
              Results.inUse("shop", "b", Verdict.Warn, Results.finding("CVE-2", Severity.High)),
              null,
              Severity.High,
              NOW);
      d.offer(KEY, "shop/b", newerB); // replaces b's waiting change: still two waiting
      assertThat(d.state(KEY).pending()).isEqualTo(2);
      assertThat(d.waiting(KEY, "shop/b", newerB.state())).isTrue();
      d.offer(KEY, "shop/c", change("c")); // full: a, the oldest, is dropped

      assertThat(d.state(KEY).pending()).isEqualTo(2);
      assertThat(d.waiting(KEY, "shop/a", a.state())).isFalse();
      assertThat(
              meters
                  .counter("sekisho_notifications_total", "sink", "webhook", "outcome", "dropped")
                  .count())
          .isEqualTo(1.0);
      d.cancel(KEY, "shop/c");
      assertThat(d.state(KEY).pending()).isEqualTo(1);
    }
    assertThat(never.getCount()).isEqualTo(1);
  }
}
