package dev.sekisho.operator.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.NotificationSink;
import dev.sekisho.api.v1alpha1.ScanNotifier;
import dev.sekisho.api.v1alpha1.ScanNotifierStatus;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.SinkStatus;
import dev.sekisho.operator.reconcile.ScanResultCache;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every sink of a ScanNotifier told about the images in use in its scope. A pass compares,
 * for each in-use ScanResult in scope (its own namespace, or the namespaces its namespaceSelector
 * selects when it lives in the operator's namespace) and each sink, the result's state now (verdict
 * and the ids of its findings at or above {@code minSeverity}) with the state that sink was last
 * told, read from the annotation the sink owns on the result ({@link NotifiedState}). A difference
 * the sink cares about is queued in the {@link Dispatcher}; when it is delivered, the annotation is
 * updated. So the comparison is level-based: an operator restart, a lost watch event or a dropped
 * queue entry is caught up by the next pass and nothing delivered is sent again. The notifier never
 * writes a ScanResult's status, only its own annotations on the result's metadata.
 *
 * <p>Triggers: the notifier itself, any change of an in-use ScanResult in its scope (a listener on
 * the operator's one {@link ScanResultCache}), each delivery outcome (for the status) and a resync.
 * JOSDK runs one pass per notifier at a time and on the leader only.
 */
@ControllerConfiguration(name = ScanNotifierReconciler.NAME)
public final class ScanNotifierReconciler implements Reconciler<ScanNotifier>, Dispatcher.Listener {
  public static final String NAME = "scannotifier";
  static final Duration RESYNC = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(ScanNotifierReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final KubernetesClient client;
  private final ScanResultCache results;
  private final Dispatcher dispatcher;
  private final SinkFactory factory;
  private final String operatorNamespace;
  private final Clock clock;
  private final SimpleInboundEventSource<ScanNotifier> triggers =
      new SimpleInboundEventSource<>("scanresults-and-deliveries");
  private volatile IndexerResourceCache<ScanNotifier> notifiers;

  /**
   * @param operatorNamespace the only namespace whose notifiers may use a namespaceSelector
   */
  public ScanNotifierReconciler(
      KubernetesClient client,
      ScanResultCache results,
      Dispatcher dispatcher,
      String operatorNamespace,
      Clock clock) {
    this(client, results, dispatcher, JsonHttp.standard(), operatorNamespace, clock);
  }

  ScanNotifierReconciler(
      KubernetesClient client,
      ScanResultCache results,
      Dispatcher dispatcher,
      JsonHttp http,
      String operatorNamespace,
      Clock clock) {
    this.client = client;
    this.results = results;
    this.dispatcher = dispatcher;
    this.factory = new SinkFactory(http);
    this.operatorNamespace = operatorNamespace;
    this.clock = clock;
    dispatcher.listener(this);
    // a deleted notifier's queues are dropped at their next delivery attempt (no finalizer: one
    // would block the deletion of a namespace for as long as the operator is not running)
    dispatcher.liveness(
        k -> {
          IndexerResourceCache<ScanNotifier> cache = notifiers;
          return cache == null
              || cache.get(new ResourceID(k.notifier(), k.namespace())).isPresent();
        });
    results.onResultChange(this::resultChanged);
  }

  @Override
  public List<EventSource<?, ScanNotifier>> prepareEventSources(
      EventSourceContext<ScanNotifier> context) {
    notifiers = context.getPrimaryCache();
    return List.of(triggers);
  }

  /** A cached ScanResult changed: every notifier covering it in use takes a pass. */
  private void resultChanged(ScanResult r) {
    IndexerResourceCache<ScanNotifier> cache = notifiers;
    if (cache == null || !triggers.isRunning() || !inUse(r)) {
      return;
    }
    String ns = r.getMetadata().getNamespace();
    cache.list(ns).forEach(n -> triggers.propagateEvent(ResourceID.fromResource(n)));
    if (!ns.equals(operatorNamespace)) {
      cache
          .list(operatorNamespace)
          .filter(n -> n.getSpec() != null && n.getSpec().getNamespaceSelector() != null)
          .forEach(n -> triggers.propagateEvent(ResourceID.fromResource(n)));
    }
  }

  static boolean inUse(ScanResult r) {
    return r.getStatus() != null
        && r.getStatus().getInUse() != null
        && r.getStatus().getInUse().getPods() != null
        && r.getStatus().getInUse().getPods() > 0;
  }

  @Override
  public UpdateControl<ScanNotifier> reconcile(
      ScanNotifier notifier, Context<ScanNotifier> context) {
    if (!results.synced()) {
      // a pass over a half-listed cache would miss results, not resend them; wait anyway
      return UpdateControl.<ScanNotifier>noUpdate().rescheduleAfter(Duration.ofSeconds(2));
    }
    String ns = notifier.getMetadata().getNamespace();
    String name = notifier.getMetadata().getName();
    Severity min =
        notifier.getSpec().getMinSeverity() == null
            ? Severity.High
            : notifier.getSpec().getMinSeverity();
    List<String> problems = new ArrayList<>();
    if (min == Severity.Unknown) {
      problems.add("minSeverity Unknown selects nothing: use Critical, High, Medium or Low");
    }
    Set<String> scope = scope(notifier, problems);
    Map<Dispatcher.SinkKey, Sink> sinks = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    for (NotificationSink s : notifier.getSpec().getSinks()) {
      if (!names.add(s.getName())) {
        problems.add("sink name " + s.getName() + " is used twice");
        continue;
      }
      try {
        Sink sink =
            factory.build(s, secret -> client.secrets().inNamespace(ns).withName(secret).get());
        Dispatcher.SinkKey key = new Dispatcher.SinkKey(ns, name, s.getName());
        dispatcher.configure(key, sink);
        sinks.put(key, sink);
      } catch (SinkFactory.InvalidSink e) {
        problems.add(e.getMessage());
      } catch (KubernetesClientException e) {
        problems.add("sink " + s.getName() + ": cannot read its Secret: " + e.getMessage());
      }
    }
    dispatcher.retain(ns, name, sinks.keySet());
    int queued = scope.isEmpty() ? 0 : pass(ns, name, scope, min, sinks);
    if (queued > 0) {
      LOG.info("notifications queued notifier={}/{} count={}", ns, name, queued);
    }
    ScanNotifierStatus next = status(notifier, problems, sinks.keySet());
    if (normalised(notifier.getStatus()).equals(normalised(next))) {
      return UpdateControl.<ScanNotifier>noUpdate().rescheduleAfter(RESYNC);
    }
    notifier.setStatus(next);
    return UpdateControl.patchStatus(notifier).rescheduleAfter(RESYNC);
  }

  /** The namespaces a notifier covers (empty when its selector is not allowed). */
  private Set<String> scope(ScanNotifier notifier, List<String> problems) {
    String ns = notifier.getMetadata().getNamespace();
    if (notifier.getSpec().getNamespaceSelector() == null) {
      return Set.of(ns);
    }
    if (!ns.equals(operatorNamespace)) {
      problems.add(
          "namespaceSelector is only honoured for a ScanNotifier in the operator's namespace "
              + operatorNamespace
              + "; remove it to cover namespace "
              + ns);
      return Set.of();
    }
    try {
      Set<String> out = new TreeSet<>();
      for (Namespace n :
          client
              .namespaces()
              .withLabelSelector(notifier.getSpec().getNamespaceSelector())
              .list()
              .getItems()) {
        out.add(n.getMetadata().getName());
      }
      return out;
    } catch (KubernetesClientException e) {
      problems.add("cannot list the namespaces namespaceSelector selects: " + e.getMessage());
      return Set.of();
    }
  }

  /** Queues what each sink has not been told; returns how many notifications were queued. */
  private int pass(
      String ns,
      String name,
      Set<String> scope,
      Severity min,
      Map<Dispatcher.SinkKey, Sink> sinks) {
    Instant now = clock.instant();
    int queued = 0;
    for (String namespace : scope) {
      List<ScanResult> inUse =
          results
              .list(namespace)
              .filter(ScanNotifierReconciler::inUse)
              .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
              .toList();
      for (ScanResult r : inUse) {
        String resultKey = namespace + "/" + r.getMetadata().getName();
        NotifiedState state = NotifiedState.of(r, min);
        for (Map.Entry<Dispatcher.SinkKey, Sink> e : sinks.entrySet()) {
          Dispatcher.SinkKey key = e.getKey();
          NotifiedState told =
              NotifiedState.recorded(r, NotifiedState.annotationKey(ns, name, key.sink()));
          if (state.sameAs(told)) {
            dispatcher.cancel(key, resultKey);
            continue;
          }
          if (dispatcher.waiting(key, resultKey, state)) {
            continue;
          }
          Notification n = Notification.of(r, told, min, now);
          if (e.getValue().wants(n)) {
            dispatcher.offer(key, resultKey, n);
            queued++;
          } else {
            dispatcher.cancel(key, resultKey);
          }
        }
      }
    }
    return queued;
  }

  private ScanNotifierStatus status(
      ScanNotifier notifier, List<String> problems, Set<Dispatcher.SinkKey> sinks) {
    ScanNotifierStatus s = new ScanNotifierStatus();
    Long generation = notifier.getMetadata().getGeneration();
    s.setObservedGeneration(generation);
    boolean ready = problems.isEmpty();
    String since =
        notifier.getStatus() == null
            ? null
            : notifier.getStatus().getConditions().stream()
                .filter(c -> Constants.CONDITION_READY.equals(c.getType()))
                .filter(c -> (ready ? "True" : "False").equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(null);
    s.getConditions()
        .add(
            new ConditionBuilder()
                .withType(Constants.CONDITION_READY)
                .withStatus(ready ? "True" : "False")
                .withReason(ready ? "Valid" : "InvalidNotifier")
                .withMessage(ready ? "every sink is configured" : String.join("; ", problems))
                .withObservedGeneration(generation)
                .withLastTransitionTime(since != null ? since : clock.instant().toString())
                .build());
    for (Dispatcher.SinkKey key : sinks) {
      Dispatcher.SinkState state = dispatcher.state(key);
      SinkStatus st = new SinkStatus();
      st.setName(key.sink());
      if (state != null) {
        st.setPending(state.pending());
        st.setLastDelivered(
            state.lastDelivered() == null ? null : state.lastDelivered().toString());
        st.setLastError(state.lastError());
        st.setLastErrorTime(
            state.lastErrorTime() == null ? null : state.lastErrorTime().toString());
      }
      s.getSinks().add(st);
    }
    return s;
  }

  private static JsonNode normalised(ScanNotifierStatus s) {
    ObjectNode node =
        (ObjectNode)
            SERIALIZATION.convertValue(s == null ? new ScanNotifierStatus() : s, JsonNode.class);
    if (node.get("conditions") instanceof ArrayNode conditions) {
      conditions.forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
    }
    return node;
  }

  // --- delivery outcomes (pool threads) ------------------------------------------------------

  @Override
  public void settled(Dispatcher.SinkKey sink, Notification n, boolean refused) {
    String key = NotifiedState.annotationKey(sink.namespace(), sink.notifier(), sink.sink());
    Map<String, Object> patch =
        Map.of("metadata", Map.of("uid", n.uid(), "annotations", Map.of(key, n.state().toJson())));
    try {
      client
          .resources(ScanResult.class)
          .inNamespace(n.namespace())
          .withName(n.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), SERIALIZATION.asJson(patch));
      LOG.info(
          "notification {} notifier={}/{} sink={} result={}/{} verdict={} newFindings={} fixed={}",
          refused ? "refused" : "delivered",
          sink.namespace(),
          sink.notifier(),
          sink.sink(),
          n.namespace(),
          n.name(),
          n.verdict(),
          n.gained().size(),
          n.fixed().size());
    } catch (KubernetesClientException e) {
      // deleted or re-created meanwhile (the uid differs): nothing to record; a failed write of a
      // live result means the next pass sends this change once more
      LOG.warn(
          "cannot record notification on scanresult {}/{}: {}",
          n.namespace(),
          n.name(),
          e.getMessage());
    }
    trigger(sink);
  }

  @Override
  public void failed(Dispatcher.SinkKey sink, Notification n, String error) {
    trigger(sink);
  }

  private void trigger(Dispatcher.SinkKey sink) {
    if (triggers.isRunning()) {
      triggers.propagateEvent(new ResourceID(sink.notifier(), sink.namespace()));
    }
  }
}
