package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
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
 * gets the ConfigMap at once; the periodic resync restores an edited or deleted one and rolls out a
 * changed CA.
 *
 * <p>It needs {@code create} on configmaps and {@code get}/{@code update} on this one name, no list
 * or watch of ConfigMaps (see the operator's ClusterRole).
 */
@ControllerConfiguration(name = "scan-api-ca-publisher")
public final class CaBundlePublisher implements Reconciler<Namespace> {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundlePublisher.class);

  /** The data key, as in {@code kube-root-ca.crt} and cert-manager's Secrets. */
  public static final String KEY = "ca.crt";

  private final KubernetesClient client;
  private final String name;
  private final Supplier<Optional<String>> bundle;

  public CaBundlePublisher(
      KubernetesClient client, String configMapName, Supplier<Optional<String>> bundle) {
    this.client = client;
    this.name = configMapName;
    this.bundle = bundle;
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
