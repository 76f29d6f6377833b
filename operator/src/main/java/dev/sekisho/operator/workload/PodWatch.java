package dev.sekisho.operator.workload;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's read-only watch of Pods (list and watch, nothing else) in the configured
 * namespaces (one informer per namespace, or one for all), optionally narrowed by a label selector;
 * every add, change and delete goes to the {@link WorkloadInventory}.
 *
 * <p>The informers' stores keep a pruned copy of each pod: its name, namespace, UID,
 * resourceVersion, owner references, ServiceAccount and pull secret names, container names and
 * images, phase and container statuses' images and image IDs. That is what the inventory and the
 * scans of running images read, and it keeps the watch's memory a small fraction of the pods' full
 * objects (no env, volumes, probes, managed fields or annotations).
 */
public final class PodWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodWatch.class);

  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private final List<ItemStore<Pod>> stores = new ArrayList<>();
  private final WorkloadInventory inventory;

  public PodWatch(KubernetesClient client, WorkloadConfig config, WorkloadInventory inventory) {
    this.inventory = inventory;
    List<FilterWatchListDeletable<Pod, PodList, PodResource>> scopes = new ArrayList<>();
    if (config.namespaces().isEmpty()) {
      scopes.add(client.pods().inAnyNamespace());
    } else {
      config.namespaces().forEach(ns -> scopes.add(client.pods().inNamespace(ns)));
    }
    for (var scope : scopes) {
      var selected =
          config.podSelector() == null ? scope : scope.withLabelSelector(config.podSelector());
      ItemStore<Pod> store = new PrunedStore();
      SharedIndexInformer<Pod> informer = selected.runnableInformer(0).itemStore(store);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
              apply(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
              apply(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
              inventory.remove(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            }
          });
      informers.add(informer);
      stores.add(store);
    }
  }

  private void apply(Pod pod) {
    try {
      inventory.apply(pod);
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot record pod namespace={} name={}: {}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          e.toString());
    }
  }

  /** Starts watching; the inventory is {@linkplain WorkloadInventory#synced synced} once listed. */
  public CompletableFuture<Void> start() {
    CompletableFuture<?>[] started =
        informers.stream()
            .map(i -> i.start().toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(started)
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                inventory.markSynced();
                LOG.info(
                    "pod watch synced informers={} pods={}", informers.size(), inventory.pods());
              } else {
                LOG.warn("pod watch failed to start: {}", e.toString());
              }
            });
  }

  /** The watched pod {@code namespace/name} as kept (pruned), if watched. */
  public Optional<Pod> pod(String namespace, String name) {
    String key = namespace + "/" + name;
    return stores.stream().map(s -> s.get(key)).filter(p -> p != null).findFirst();
  }

  /** Whether every informer's watch is running. */
  public boolean healthy() {
    return informers.stream().allMatch(SharedIndexInformer::isWatching);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }

  /** A pod with only what the inventory and the scans read. */
  static Pod prune(Pod pod) {
    var meta = pod.getMetadata();
    PodBuilder b =
        new PodBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .withOwnerReferences(meta.getOwnerReferences())
                    .build());
    if (pod.getSpec() != null) {
      var spec = pod.getSpec();
      b.withNewSpec()
          .withServiceAccountName(spec.getServiceAccountName())
          .withImagePullSecrets(spec.getImagePullSecrets())
          .withContainers(
              Stream.ofNullable(spec.getContainers())
                  .flatMap(List::stream)
                  .map(
                      c ->
                          new ContainerBuilder()
                              .withName(c.getName())
                              .withImage(c.getImage())
                              .build())
                  .toList())
          .withInitContainers(
              Stream.ofNullable(spec.getInitContainers())
                  .flatMap(List::stream)
                  .map(
                      c ->
                          new ContainerBuilder()
                              .withName(c.getName())
                              .withImage(c.getImage())
                              .build())
                  .toList())
          .withEphemeralContainers(
              Stream.ofNullable(spec.getEphemeralContainers())
                  .flatMap(List::stream)
                  .map(
                      c ->
                          new EphemeralContainerBuilder()
                              .withName(c.getName())
                              .withImage(c.getImage())
                              .build())
                  .toList())
          .endSpec();
    }
    if (pod.getStatus() != null) {
      var status = pod.getStatus();
      b.withNewStatus()
          .withPhase(status.getPhase())
          .withContainerStatuses(statuses(status.getContainerStatuses()))
          .withInitContainerStatuses(statuses(status.getInitContainerStatuses()))
          .withEphemeralContainerStatuses(statuses(status.getEphemeralContainerStatuses()))
          .endStatus();
    }
    return b.build();
  }

  private static List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses(
      List<io.fabric8.kubernetes.api.model.ContainerStatus> in) {
    return Stream.ofNullable(in)
        .flatMap(List::stream)
        .map(
            s ->
                new ContainerStatusBuilder()
                    .withName(s.getName())
                    .withImage(s.getImage())
                    .withImageID(s.getImageID())
                    .build())
        .toList();
  }

  /** The informer's store, keeping pruned pods. */
  private static final class PrunedStore implements ItemStore<Pod> {
    private final BasicItemStore<Pod> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    @Override
    public String getKey(Pod obj) {
      return items.getKey(obj);
    }

    @Override
    public Pod put(String key, Pod obj) {
      return items.put(key, prune(obj));
    }

    @Override
    public Pod remove(String key) {
      return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return items.keySet();
    }

    @Override
    public Stream<Pod> values() {
      return items.values();
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public Pod get(String key) {
      return items.get(key);
    }
  }
}
