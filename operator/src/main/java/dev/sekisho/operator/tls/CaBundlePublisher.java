package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the scan API's CA bundle as a ConfigMap (key {@value #KEY}) in every namespace the
 * operator selects, the way kube-controller-manager publishes {@code kube-root-ca.crt}: the
 * scan-image Task mounts it as an optional configMap volume and the step trusts the operator with
 * no flag. Reconciles Namespaces (on the leader only, like every controller), so a new namespace
 * gets the ConfigMap at once. It also watches the ConfigMaps of that one name (a field selector on
 * {@code metadata.name}, in all namespaces): a deleted copy, or one whose bundle differs, triggers
 * the reconcile of its namespace, so it is restored within moments; {@link #republish()} rolls a
 * changed bundle out to every namespace at once. The periodic resync is the fallback.
 *
 * <p>It needs {@code create} on configmaps and {@code get}/{@code update}/{@code list}/{@code
 * watch} on this one name (see the operator's ClusterRole); other ConfigMaps are never read.
 */
@ControllerConfiguration(name = "scan-api-ca-publisher")
public final class CaBundlePublisher implements Reconciler<Namespace> {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundlePublisher.class);

  /** The data key, as in {@code kube-root-ca.crt} and cert-manager's Secrets. */
  public static final String KEY = "ca.crt";

  private final KubernetesClient client;
  private final String name;
  private final Supplier<Optional<String>> bundle;
  private final ConfigMapWatch watch = new ConfigMapWatch();
  private volatile IndexerResourceCache<Namespace> namespaces;

  public CaBundlePublisher(
      KubernetesClient client, String configMapName, Supplier<Optional<String>> bundle) {
    this.client = client;
    this.name = configMapName;
    this.bundle = bundle;
  }

  @Override
  public List<EventSource<?, Namespace>> prepareEventSources(
      EventSourceContext<Namespace> context) {
    namespaces = context.getPrimaryCache();
    return List.of(watch);
  }

  /** Reconciles every selected namespace now: the bundle changed. */
  public void republish() {
    IndexerResourceCache<Namespace> cache = namespaces;
    if (cache != null) {
      cache.keys().forEach(watch::propagateEvent);
    }
  }

  /**
   * Triggers the reconcile of a selected namespace whose ConfigMap was deleted or holds another
   * bundle. Runs on every replica (only the leader processes the events), like JOSDK's informers.
   */
  private final class ConfigMapWatch extends SimpleInboundEventSource<Namespace> {
    private SharedIndexInformer<ConfigMap> informer;

    ConfigMapWatch() {
      super("scan-api-ca-configmaps");
    }

    @Override
    public synchronized void start() {
      informer =
          client.configMaps().inAnyNamespace().withField("metadata.name", name).runnableInformer(0);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
              if (!holdsBundle(cm)) {
                trigger(cm, "differs");
              }
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
              onAdd(cm);
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
              trigger(cm, "deleted");
            }
          });
      informer
          .start()
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  LOG.warn(
                      "cannot watch the ConfigMaps {} (list/watch on that name needed);"
                          + " deleted copies are restored by the periodic resync only: {}",
                      name,
                      e.toString());
                }
              });
      super.start();
    }

    @Override
    public synchronized void stop() {
      if (informer != null) {
        informer.close();
      }
      super.stop();
    }

    private boolean holdsBundle(ConfigMap cm) {
      Optional<String> pem = bundle.get();
      return pem.isEmpty() || (cm.getData() != null && pem.get().equals(cm.getData().get(KEY)));
    }

    private void trigger(ConfigMap cm, String why) {
      IndexerResourceCache<Namespace> cache = namespaces;
      ResourceID ns = new ResourceID(cm.getMetadata().getNamespace());
      if (cache != null && cache.contains(ns)) {
        LOG.debug("scan api CA bundle {} configmap={}/{}", why, ns.getName(), name);
        propagateEvent(ns);
      }
    }
  }

  @Override
  public UpdateControl<Namespace> reconcile(Namespace ns, Context<Namespace> context) {
    boolean terminating = ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase());
    Optional<String> pem = bundle.get();
    if (!terminating && pem.isPresent()) {
      publish(client, ns.getMetadata().getName(), name, pem.get());
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Creates or updates the ConfigMap {@code namespace/name} to hold {@code pem}; does nothing when
   * it already does.
   *
   * @return whether it wrote anything
   */
  public static boolean publish(
      KubernetesClient client, String namespace, String name, String pem) {
    var maps = client.configMaps().inNamespace(namespace);
    ConfigMap existing = maps.withName(name).get();
    if (existing == null) {
      try {
        maps.resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/name", "sekisho-operator")
                    .addToLabels("app.kubernetes.io/component", "scan-api-ca")
                    .addToLabels("app.kubernetes.io/managed-by", "sekisho-operator")
                    .addToAnnotations(
                        "sekisho.dev/description",
                        "CA bundle of the Sekisho scan API; the scan-image Task trusts it."
                            + " Managed by the Sekisho operator.")
                    .endMetadata()
                    .withData(Map.of(KEY, pem))
                    .build())
            .create();
        LOG.info("scan api CA bundle published configmap={}/{}", namespace, name);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false; // created meanwhile (the other replica's own-namespace copy)
        }
        throw e;
      }
    }
    if (existing.getData() != null && Objects.equals(existing.getData().get(KEY), pem)) {
      return false;
    }
    existing.setData(Map.of(KEY, pem));
    maps.resource(existing).update();
    LOG.info("scan api CA bundle updated configmap={}/{}", namespace, name);
    return true;
  }
}
