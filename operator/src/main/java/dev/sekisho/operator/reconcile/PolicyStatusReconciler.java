package dev.sekisho.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.ClusterScanPolicySpec;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.PolicyOutcome;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.ScanPolicyStatus;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.policy.PolicyValidator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a ScanPolicy or ClusterScanPolicy and reports in its status whether it is Ready and how
 * many ScanResults it selects and fails. The counts come from the ScanResults' statuses (which list
 * the policies that selected them) in the operator's one ScanResult cache ({@link
 * ScanResultCache}), which triggers this controller when a result's outcome for the policy changes
 * or the result is deleted; a periodic resync is the safety net.
 */
abstract class PolicyStatusReconciler<
        P extends CustomResource<? extends ScanPolicySpec, ScanPolicyStatus>>
    implements Reconciler<P> {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyStatusReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Duration RESYNC = Duration.ofMinutes(5);
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private final String kind;
  private final Clock clock;
  private final ScanResultCache results;
  private final SimpleInboundEventSource<P> resultChanges =
      new SimpleInboundEventSource<>("scanresults");

  PolicyStatusReconciler(String kind, Clock clock, ScanResultCache results) {
    this.results = results;
    results.onPolicyOutcomeChange(
        p -> {
          // the cache may fill before this source starts; the start reconciles every policy
          // anyway (and a follower's processor ignores events until it leads)
          if (kind.equals(p.kind()) && resultChanges.isRunning()) {
            resultChanges.propagateEvent(p.id());
          }
        });
    this.kind = kind;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    return List.of(resultChanges);
  }

  @Override
  public UpdateControl<P> reconcile(P policy, Context<P> context) {
    List<String> problems = new ArrayList<>(PolicyValidator.validate(policy.getSpec()));
    if (policy.getSpec() instanceof ClusterScanPolicySpec cluster
        && cluster.getNamespaceSelector() != null
        && cluster.getNamespaceSelector().getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : cluster.getNamespaceSelector().getMatchExpressions()) {
        if (!OPERATORS.contains(r.getOperator())) {
          problems.add(
              "namespaceSelector: unknown operator '"
                  + r.getOperator()
                  + "' for key "
                  + r.getKey());
        }
      }
    }
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    if (!results.synced()) {
      // counting before the ScanResult informer has listed everything would publish wrong counts
      return UpdateControl.<P>noUpdate().rescheduleAfter(Duration.ofSeconds(2));
    }
    Stream<ScanResult> scope = results.list(namespace);
    int matched = 0;
    int failing = 0;
    for (ScanResult r : (Iterable<ScanResult>) scope::iterator) {
      if (r.getStatus() == null) {
        continue;
      }
      for (PolicyOutcome o : r.getStatus().getPolicies()) {
        if (kind.equals(o.getKind())
            && name.equals(o.getName())
            && java.util.Objects.equals(namespace, o.getNamespace())) {
          matched++;
          if (o.getVerdict() == Verdict.Fail || o.getVerdict() == Verdict.Warn) {
            failing++;
          }
        }
      }
    }
    ScanPolicyStatus next = new ScanPolicyStatus();
    next.setObservedGeneration(policy.getMetadata().getGeneration());
    next.setMatchedResults(matched);
    next.setFailingResults(failing);
    boolean ready = problems.isEmpty();
    String since =
        policy.getStatus() == null
            ? null
            : policy.getStatus().getConditions().stream()
                .filter(c -> Constants.CONDITION_READY.equals(c.getType()))
                .filter(c -> (ready ? "True" : "False").equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(null);
    next.getConditions()
        .add(
            new ConditionBuilder()
                .withType(Constants.CONDITION_READY)
                .withStatus(ready ? "True" : "False")
                .withReason(ready ? "Valid" : "InvalidPolicy")
                .withMessage(ready ? "policy is valid and applied" : String.join("; ", problems))
                .withObservedGeneration(policy.getMetadata().getGeneration())
                .withLastTransitionTime(since != null ? since : clock.instant().toString())
                .build());
    if (normalised(policy.getStatus()).equals(normalised(next))) {
      return UpdateControl.<P>noUpdate().rescheduleAfter(RESYNC);
    }
    LOG.info(
        "policy status kind={} namespace={} name={} ready={} matched={} failing={}",
        kind,
        namespace,
        name,
        ready,
        matched,
        failing);
    policy.setStatus(next);
    // JOSDK patches the status subresource (server-side apply as this controller's field manager,
    // carrying the resourceVersion it read: a stale read is retried, never written over)
    return UpdateControl.patchStatus(policy).rescheduleAfter(RESYNC);
  }

  private static JsonNode normalised(ScanPolicyStatus s) {
    if (s == null) {
      return SERIALIZATION.convertValue(new ScanPolicyStatus(), JsonNode.class);
    }
    ObjectNode node = (ObjectNode) SERIALIZATION.convertValue(s, JsonNode.class);
    if (node.get("conditions") instanceof ArrayNode conditions) {
      conditions.forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
    }
    return node;
  }
}
