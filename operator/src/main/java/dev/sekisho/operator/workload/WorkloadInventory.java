package dev.sekisho.operator.workload;

import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import dev.sekisho.operator.workload.PodImages.RunningImage;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each image digest runs, per namespace: the watched pods that run it and their top-level
 * owners. Fed by the pod watch ({@link #apply}, {@link #remove}); read by the ScanResult reconciler
 * ({@link #inUse}), the scans of running images and the re-matcher. Only pods that are Pending or
 * Running count; a Succeeded or Failed pod runs nothing.
 *
 * <p>Memory is proportional to the watched pods: per pod its name, its owner and its digests (a few
 * hundred bytes), and per (namespace, digest) the count of pods per owner. No pod object is kept
 * here (the watch's own store keeps a pruned copy, see {@link PodWatch}).
 */
public final class WorkloadInventory {
  /** Workloads listed in a ScanResult's {@code status.inUse} at most (the CRD's limit). */
  public static final int MAX_WORKLOADS = 50;

  /** One image digest in one namespace. */
  public record ImageKey(String namespace, String digest) {}

  /**
   * Where one digest runs in one namespace, for a scan: a reference to pull it by and the pods
   * running it (whose pull secrets may be used).
   */
  public record Running(
      ImageKey key,
      String reference,
      String image,
      List<String> pods,
      Owner owner,
      boolean pulled) {}

  private record PodEntry(String uid, Owner owner, List<RunningImage> images) {}

  private static final class Usage {
    final Map<Owner, Integer> owners = new HashMap<>();
    final Set<String> pods = new LinkedHashSet<>();
    RunningImage image;
  }

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadInventory.class);

  private final Function<Pod, Owner> owners;
  private final Map<String, PodEntry> pods = new HashMap<>();
  private final Map<String, Map<String, Usage>> usage = new HashMap<>();
  private final List<Consumer<Set<ImageKey>>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean synced;

  /**
   * @param owners finds a pod's top-level owner ({@link OwnerResolver#ownerOf})
   */
  public WorkloadInventory(Function<Pod, Owner> owners) {
    this.owners = owners;
  }

  /** Calls {@code listener} (on the watch's thread) with the images whose use changed. */
  public void onChange(Consumer<Set<ImageKey>> listener) {
    listeners.add(listener);
  }

  /** Records {@code pod} as it is now (added or changed). */
  public Set<ImageKey> apply(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return remove(ns, name);
    }
    List<RunningImage> images = PodImages.of(pod);
    String uid = pod.getMetadata().getUid();
    PodEntry old;
    synchronized (this) {
      old = pods.get(key(ns, name));
    }
    Owner owner =
        old != null && Objects.equals(old.uid(), uid) && old.owner() != null
            ? old.owner()
            : owners.apply(pod);
    Set<ImageKey> changed;
    synchronized (this) {
      PodEntry previous = pods.put(key(ns, name), new PodEntry(uid, owner, images));
      changed = new HashSet<>();
      if (previous != null) {
        unaccount(ns, name, previous, changed);
      }
      account(ns, name, new PodEntry(uid, owner, images), changed);
      if (previous != null
          && previous.owner().equals(owner)
          && digests(previous.images()).equals(digests(images))) {
        changed.clear();
      }
    }
    notify(changed);
    return changed;
  }

  /** Forgets the pod {@code namespace/name}. */
  public Set<ImageKey> remove(String namespace, String name) {
    Set<ImageKey> changed = new HashSet<>();
    synchronized (this) {
      PodEntry previous = pods.remove(key(namespace, name));
      if (previous != null) {
        unaccount(namespace, name, previous, changed);
      }
    }
    notify(changed);
    return changed;
  }

  /**
   * Tells every listener; one that fails (a follower's controller that is not running, a scan queue
   * that is shut down) is logged and does not keep the others from hearing of the change.
   */
  private void notify(Set<ImageKey> changed) {
    if (changed.isEmpty()) {
      return;
    }
    Set<ImageKey> view = Set.copyOf(changed);
    for (Consumer<Set<ImageKey>> l : listeners) {
      try {
        l.accept(view);
      } catch (RuntimeException e) {
        LOG.warn("a listener of the workload inventory failed: {}", e.toString());
      }
    }
  }

  private void account(String ns, String pod, PodEntry e, Set<ImageKey> changed) {
    for (RunningImage i : e.images()) {
      Usage u =
          usage
              .computeIfAbsent(ns, k -> new HashMap<>())
              .computeIfAbsent(i.digest(), k -> new Usage());
      u.owners.merge(e.owner(), 1, Integer::sum);
      u.pods.add(pod);
      if (u.image == null
          || u.image.reference() == null
          || (!u.image.pulled() && i.pulled() && i.reference() != null)) {
        u.image = i;
      }
      changed.add(new ImageKey(ns, i.digest()));
    }
  }

  private void unaccount(String ns, String pod, PodEntry e, Set<ImageKey> changed) {
    Map<String, Usage> byDigest = usage.get(ns);
    if (byDigest == null) {
      return;
    }
    for (RunningImage i : e.images()) {
      Usage u = byDigest.get(i.digest());
      if (u == null) {
        continue;
      }
      u.owners.computeIfPresent(e.owner(), (o, n) -> n <= 1 ? null : n - 1);
      u.pods.remove(pod);
      if (u.pods.isEmpty()) {
        byDigest.remove(i.digest());
      }
      changed.add(new ImageKey(ns, i.digest()));
    }
    if (byDigest.isEmpty()) {
      usage.remove(ns);
    }
  }

  private static Set<String> digests(List<RunningImage> images) {
    Set<String> out = new HashSet<>();
    images.forEach(i -> out.add(i.digest()));
    return out;
  }

  private static String key(String ns, String name) {
    return ns + "/" + name;
  }

  /**
   * Where {@code digest} runs in {@code namespace}: the pods, and the workloads (sorted by kind and
   * name, at most {@link #MAX_WORKLOADS}; {@code workloadCount} has the total); empty when no
   * watched pod runs it.
   */
  public synchronized Optional<InUse> inUse(String namespace, String digest) {
    Usage u = usage(namespace, digest);
    if (u == null) {
      return Optional.empty();
    }
    List<WorkloadUse> workloads = new ArrayList<>();
    sortedOwners(u).forEach(o -> workloads.add(o.use(u.owners.get(o))));
    InUse in = new InUse();
    in.setPods(u.pods.size());
    in.setWorkloadCount(workloads.size());
    in.setWorkloads(
        new ArrayList<>(workloads.subList(0, Math.min(MAX_WORKLOADS, workloads.size()))));
    return Optional.of(in);
  }

  /**
   * The owners of the pods running {@code digest} in {@code namespace}, sorted by kind and name.
   */
  public synchronized List<Owner> owners(String namespace, String digest) {
    Usage u = usage(namespace, digest);
    return u == null ? List.of() : sortedOwners(u);
  }

  /** Where {@code key} runs, for a scan; empty when no watched pod runs it any more. */
  public synchronized Optional<Running> running(ImageKey key) {
    Usage u = usage(key.namespace(), key.digest());
    if (u == null) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>(u.pods);
    return Optional.of(
        new Running(
            key,
            u.image.reference(),
            u.image.image(),
            List.copyOf(names.subList(0, Math.min(names.size(), 8))),
            sortedOwners(u).getFirst(),
            u.image.pulled()));
  }

  /** Every (namespace, digest) in use. */
  public synchronized Set<ImageKey> images() {
    Set<ImageKey> out = new HashSet<>();
    usage.forEach((ns, byDigest) -> byDigest.keySet().forEach(d -> out.add(new ImageKey(ns, d))));
    return out;
  }

  /** Whether a watched pod in any namespace runs {@code digest}. */
  public synchronized boolean uses(String digest) {
    return usage.values().stream().anyMatch(m -> m.containsKey(digest));
  }

  /** Watched pods that run something. */
  public synchronized int pods() {
    return pods.size();
  }

  /** True once the watch has listed every pod (before that, "not in use" cannot be told). */
  public boolean synced() {
    return synced;
  }

  void markSynced() {
    synced = true;
  }

  private Usage usage(String namespace, String digest) {
    Map<String, Usage> byDigest = usage.get(namespace);
    return byDigest == null ? null : byDigest.get(digest);
  }

  private static List<Owner> sortedOwners(Usage u) {
    return u.owners.keySet().stream()
        .sorted(Comparator.comparing(Owner::kind).thenComparing(Owner::name))
        .toList();
  }
}
