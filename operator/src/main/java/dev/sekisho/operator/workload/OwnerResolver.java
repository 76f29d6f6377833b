package dev.sekisho.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a pod's top-level owner from ownerReferences: a pod's controller that is a ReplicaSet is
 * followed to its Deployment, a Job to its CronJob; any other controller (StatefulSet, DaemonSet, a
 * custom controller) is the owner as it is; a pod without a controller is its own owner. Only
 * ReplicaSets and Jobs are read (get, one per UID, remembered in a bounded cache), since only they
 * sit between a pod and the workload a person wrote; when one cannot be read (no right, deleted
 * meanwhile) the ReplicaSet or Job itself is the owner.
 */
public final class OwnerResolver {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerResolver.class);

  /** ReplicaSets and Jobs whose controller is remembered at most. */
  public static final int CACHE_SIZE = 4096;

  /** Reads the controller of a ReplicaSet or Job (empty: it has none). */
  public interface Parents {
    /**
     * @throws KubernetesClientException when it cannot be read
     */
    Optional<OwnerReference> controllerOf(String namespace, String kind, String name);
  }

  private final Parents parents;
  private final Map<String, Optional<OwnerReference>> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<OwnerReference>> e) {
          return size() > CACHE_SIZE;
        }
      };

  public OwnerResolver(Parents parents) {
    this.parents = parents;
  }

  /** Reads ReplicaSets and Jobs through {@code client}. */
  public static OwnerResolver reading(KubernetesClient client) {
    return new OwnerResolver(
        (ns, kind, name) -> {
          HasMetadata parent =
              switch (kind) {
                case "ReplicaSet" ->
                    client.apps().replicaSets().inNamespace(ns).withName(name).get();
                case "Job" -> client.batch().v1().jobs().inNamespace(ns).withName(name).get();
                default -> null;
              };
          return parent == null ? Optional.empty() : controller(parent);
        });
  }

  /** The top-level owner of {@code pod}. */
  public Owner ownerOf(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Optional<OwnerReference> controller = controller(pod);
    if (controller.isEmpty()) {
      return new Owner("v1", "Pod", ns, pod.getMetadata().getName(), pod.getMetadata().getUid());
    }
    OwnerReference first = controller.get();
    String kind = first.getKind();
    boolean replicaSet = "ReplicaSet".equals(kind) && isGroup(first, "apps");
    boolean job = "Job".equals(kind) && isGroup(first, "batch");
    if (!replicaSet && !job) {
      return owner(ns, first);
    }
    Optional<OwnerReference> parent;
    try {
      parent = parentOf(ns, first);
    } catch (KubernetesClientException e) {
      LOG.debug(
          "cannot read {} {}/{}: {}; it stands as the owner",
          kind,
          ns,
          first.getName(),
          e.getMessage());
      return owner(ns, first);
    }
    String wanted = replicaSet ? "Deployment" : "CronJob";
    return parent
        .filter(p -> wanted.equals(p.getKind()))
        .map(p -> owner(ns, p))
        .orElseGet(() -> owner(ns, first));
  }

  private Optional<OwnerReference> parentOf(String ns, OwnerReference ref) {
    String key =
        ref.getUid() == null ? ns + "/" + ref.getKind() + "/" + ref.getName() : ref.getUid();
    synchronized (cache) {
      Optional<OwnerReference> known = cache.get(key);
      if (known != null) {
        return known;
      }
    }
    Optional<OwnerReference> read = parents.controllerOf(ns, ref.getKind(), ref.getName());
    synchronized (cache) {
      cache.put(key, read);
    }
    return read;
  }

  /** The ReplicaSets and Jobs whose controller is remembered. */
  int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private static boolean isGroup(OwnerReference ref, String group) {
    String v = ref.getApiVersion();
    return v != null && v.startsWith(group + "/");
  }

  private static Owner owner(String ns, OwnerReference ref) {
    return new Owner(ref.getApiVersion(), ref.getKind(), ns, ref.getName(), ref.getUid());
  }

  static Optional<OwnerReference> controller(HasMetadata object) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }
}
