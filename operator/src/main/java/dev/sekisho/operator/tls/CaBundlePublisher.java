package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the scan API's CA bundle as a ConfigMap (key {@value CaBundleConfigMap#KEY}) in every
 * namespace the operator selects, the way kube-controller-manager publishes {@code
 * kube-root-ca.crt}: the scan-image Task mounts it as an optional configMap volume and the step
 * trusts the operator with no flag. Reconciles Namespaces (on the leader only, like every
 * controller) through a JOSDK workflow of one dependent resource, {@link CaBundleConfigMap}: a new
 * namespace gets the ConfigMap at once, a deleted or edited copy is put back within moments (its
 * event source watches the ConfigMaps of that one name), and {@link #republish()} rolls a changed
 * bundle out to every namespace at once. The periodic resync is the fallback. Nothing is published
 * while no bundle is known or into a terminating namespace (the workflow's precondition); a
 * ConfigMap is never deleted.
 *
 * <p>It needs {@code create} on configmaps and {@code get}/{@code update}/{@code list}/{@code
 * watch} on this one name (see the operator's ClusterRole); other ConfigMaps are never read.
 */
@ControllerConfiguration(name = "scan-api-ca-publisher")
public final class CaBundlePublisher implements Reconciler<Namespace> {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundlePublisher.class);

  private final CaBundleConfigMap configMap;
  private final Workflow<Namespace> workflow;

  public CaBundlePublisher(
      KubernetesClient client, String configMapName, Supplier<Optional<String>> bundle) {
    configMap = new CaBundleConfigMap(client, configMapName, bundle);
    workflow =
        new WorkflowBuilder<Namespace>()
            .addDependentResourceAndConfigure(configMap)
            .withReconcilePrecondition(
                (Condition<ConfigMap, Namespace>)
                    (dependent, ns, context) -> configMap.hasBundle() && !terminating(ns))
            .build();
  }

  @Override
  public List<EventSource<?, Namespace>> prepareEventSources(
      EventSourceContext<Namespace> context) {
    return EventSourceUtils.eventSourcesFromWorkflow(context, workflow);
  }

  @Override
  public UpdateControl<Namespace> reconcile(Namespace ns, Context<Namespace> context) {
    workflow.reconcile(ns, context);
    return UpdateControl.noUpdate();
  }

  /** Reconciles every selected namespace now: the bundle changed. */
  public void republish() {
    configMap.eventSource().ifPresent(CaBundleConfigMaps::republish);
  }

  private static boolean terminating(Namespace ns) {
    return ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase());
  }

  /**
   * Keeps the ConfigMap {@code namespace/name} holding {@code pem}, outside any reconciliation:
   * each replica keeps the copy in the operator's own namespace (also when publishing is off or the
   * namespace selector leaves that namespace out), where admins copy it from.
   *
   * @return whether it wrote anything
   */
  public static boolean keep(KubernetesClient client, String namespace, String name, String pem) {
    var maps = client.configMaps().inNamespace(namespace);
    ConfigMap existing = maps.withName(name).get();
    if (existing == null) {
      try {
        maps.resource(CaBundleConfigMap.configMap(namespace, name, pem)).create();
        LOG.info("scan api CA bundle published configmap={}/{}", namespace, name);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false; // created meanwhile (by the leader's publisher or another replica)
        }
        throw e;
      }
    }
    if (existing.getData() != null
        && Objects.equals(existing.getData().get(CaBundleConfigMap.KEY), pem)) {
      return false;
    }
    existing.setData(Map.of(CaBundleConfigMap.KEY, pem));
    maps.resource(existing).update();
    LOG.info("scan api CA bundle updated configmap={}/{}", namespace, name);
    return true;
  }
}
