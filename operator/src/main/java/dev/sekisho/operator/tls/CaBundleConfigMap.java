package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.AbstractExternalDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA bundle ConfigMap of one Namespace as a JOSDK dependent resource: its desired state is the
 * ConfigMap {@code name} holding the current bundle under {@value #KEY}; JOSDK's workflow creates
 * it when it is missing and updates it when its bundle differs (a refresh changed the bundle, or
 * someone edited it by hand). It never deletes one. Read from {@link CaBundleConfigMaps}.
 */
final class CaBundleConfigMap
    extends AbstractExternalDependentResource<ConfigMap, Namespace, CaBundleConfigMaps>
    implements Creator<ConfigMap, Namespace>, Updater<ConfigMap, Namespace> {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundleConfigMap.class);

  /** The data key, as in {@code kube-root-ca.crt} and cert-manager's Secrets. */
  static final String KEY = "ca.crt";

  private final KubernetesClient client;
  private final String name;
  private final Supplier<Optional<String>> bundle;

  CaBundleConfigMap(KubernetesClient client, String name, Supplier<Optional<String>> bundle) {
    super(ConfigMap.class);
    this.client = client;
    this.name = name;
    this.bundle = bundle;
  }

  /** Whether there is a bundle to publish (the workflow's reconcile precondition). */
  boolean hasBundle() {
    return bundle.get().isPresent();
  }

  @Override
  protected CaBundleConfigMaps createEventSource(EventSourceContext<Namespace> context) {
    return new CaBundleConfigMaps(client, name, context.getPrimaryCache());
  }

  @Override
  protected ConfigMap desired(Namespace ns, Context<Namespace> context) {
    return configMap(ns.getMetadata().getName(), name, bundle.get().orElseThrow());
  }

  /** There is one ConfigMap of this name per namespace. */
  @Override
  protected Optional<ConfigMap> selectTargetSecondaryResource(
      Set<ConfigMap> secondaryResources, Namespace primary, Context<Namespace> context) {
    return secondaryResources.stream()
        .filter(c -> name.equals(c.getMetadata().getName()))
        .findFirst();
  }

  /** It matches when it holds the bundle; other keys, labels and annotations are left alone. */
  @Override
  public Matcher.Result<ConfigMap> match(
      ConfigMap actual, Namespace primary, Context<Namespace> context) {
    ConfigMap desired = desired(primary, context);
    return Matcher.Result.computed(
        actual.getData() != null
            && Objects.equals(actual.getData().get(KEY), desired.getData().get(KEY)),
        desired);
  }

  @Override
  public ConfigMap create(ConfigMap desired, Namespace primary, Context<Namespace> context) {
    String namespace = desired.getMetadata().getNamespace();
    try {
      ConfigMap created = client.configMaps().inNamespace(namespace).resource(desired).create();
      LOG.info("scan api CA bundle published configmap={}/{}", namespace, name);
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // created meanwhile (a replica keeps its own namespace's copy): its event reconciles again
        return client.configMaps().inNamespace(namespace).withName(name).get();
      }
      throw e;
    }
  }

  @Override
  public ConfigMap update(
      ConfigMap actual, ConfigMap desired, Namespace primary, Context<Namespace> context) {
    ConfigMap next = new ConfigMapBuilder(actual).withData(desired.getData()).build();
    ConfigMap updated = client.resource(next).update();
    LOG.info(
        "scan api CA bundle updated configmap={}/{}", actual.getMetadata().getNamespace(), name);
    return updated;
  }

  /** The ConfigMap {@code namespace/name} holding {@code pem}. */
  static ConfigMap configMap(String namespace, String name, String pem) {
    return new ConfigMapBuilder()
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
        .build();
  }
}
