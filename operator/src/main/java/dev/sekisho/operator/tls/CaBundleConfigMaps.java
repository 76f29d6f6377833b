package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.ExternalResourceCachingEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event source of the CA bundle ConfigMaps: a watch of the ConfigMaps of that one name in all
 * namespaces (a field selector on {@code metadata.name}, which is what the operator's RBAC allows:
 * other ConfigMaps are never read), cached per Namespace (the primary) for the {@link
 * CaBundleConfigMap} dependent. A ConfigMap that appears, changes or goes away triggers the
 * reconciliation of its namespace. Runs on every replica, like JOSDK's informers (only the leader
 * processes the events).
 *
 * <p>Not JOSDK's {@code InformerEventSource}: JOSDK 5.1 cannot give an informer a field selector
 * (it arrives in 5.2), and without one the informer would list every ConfigMap of the cluster.
 */
final class CaBundleConfigMaps extends ExternalResourceCachingEventSource<ConfigMap, Namespace> {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundleConfigMaps.class);

  private final KubernetesClient client;
  private final String name;
  private final IndexerResourceCache<Namespace> namespaces;
  private SharedIndexInformer<ConfigMap> informer;

  CaBundleConfigMaps(KubernetesClient client, String name, IndexerResourceCache<Namespace> ns) {
    super("scan-api-ca-configmaps", ConfigMap.class, cm -> cm.getMetadata().getName());
    this.client = client;
    this.name = name;
    this.namespaces = ns;
  }

  @Override
  public synchronized void start() {
    super.start();
    informer =
        client.configMaps().inAnyNamespace().withField("metadata.name", name).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            handleResources(namespaceOf(cm), cm);
          }

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cm) {
            handleResources(namespaceOf(cm), cm);
          }

          @Override
          public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
            handleDelete(namespaceOf(cm), cm);
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
  }

  @Override
  public synchronized void stop() {
    if (informer != null) {
      informer.close();
    }
    super.stop();
  }

  /** Triggers the reconciliation of every selected namespace: the bundle changed. */
  void republish() {
    if (isRunning()) {
      namespaces.keys().forEach(id -> getEventHandler().handleEvent(new Event(id)));
    }
  }

  private static ResourceID namespaceOf(ConfigMap cm) {
    return new ResourceID(cm.getMetadata().getNamespace());
  }
}
