package dev.sekisho.operator.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The image digests a pod runs: one notion of "in use" for the inventory, the scans of running
 * images and the retention rule. A digest comes from a container status's {@code imageID} (what the
 * runtime pulled: {@code repo@sha256:…}, with or without a {@code docker-pullable://} prefix), or
 * from the spec's {@code image} when it is pinned by digest; containers, init containers and
 * ephemeral containers all count. An {@code imageID} that is a bare {@code sha256:…} (a runtime's
 * local image id, the config digest, not a manifest digest) is not a digest of a pullable image and
 * is ignored.
 */
public final class PodImages {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private PodImages() {}

  /**
   * One image a pod runs.
   *
   * @param digest {@code sha256:…} manifest digest
   * @param reference where it can be pulled from: {@code repository@digest}, or null when only a
   *     bare digest is known
   * @param image the container's {@code image} as written in the pod spec
   * @param pulled true when a container status names the digest (the node pulled it with the pod's
   *     credentials), false when only the spec pins it (the pull may yet fail)
   */
  public record RunningImage(String digest, String reference, String image, boolean pulled) {
    /** An image a container status names. */
    public RunningImage(String digest, String reference, String image) {
      this(digest, reference, image, true);
    }
  }

  /** The images {@code pod} runs, one per digest (the first container's reference wins). */
  public static List<RunningImage> of(Pod pod) {
    Map<String, RunningImage> out = new LinkedHashMap<>();
    Map<String, String> specImages = new LinkedHashMap<>();
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      for (Container c : nonNull(spec.getInitContainers())) {
        specImages.put(c.getName(), c.getImage());
      }
      for (Container c : nonNull(spec.getContainers())) {
        specImages.put(c.getName(), c.getImage());
      }
      for (EphemeralContainer c : nonNull(spec.getEphemeralContainers())) {
        specImages.put(c.getName(), c.getImage());
      }
    }
    PodStatus status = pod.getStatus();
    if (status != null) {
      List<ContainerStatus> all = new ArrayList<>();
      all.addAll(nonNull(status.getInitContainerStatuses()));
      all.addAll(nonNull(status.getContainerStatuses()));
      all.addAll(nonNull(status.getEphemeralContainerStatuses()));
      for (ContainerStatus s : all) {
        String image = specImages.getOrDefault(s.getName(), s.getImage());
        String ref = repositoryDigest(s.getImageID());
        if (ref != null) {
          String digest = ref.substring(ref.lastIndexOf('@') + 1);
          out.putIfAbsent(digest, new RunningImage(digest, ref, image));
        }
      }
    }
    for (String image : specImages.values()) {
      String ref = repositoryDigest(image);
      if (ref != null) {
        String digest = ref.substring(ref.lastIndexOf('@') + 1);
        out.putIfAbsent(digest, new RunningImage(digest, ref, image, false));
      }
    }
    return List.copyOf(out.values());
  }

  /** The digests {@code pod} runs. */
  public static List<String> digests(Pod pod) {
    return of(pod).stream().map(RunningImage::digest).toList();
  }

  /**
   * {@code repository@sha256:…} from an image reference or runtime image id, or null when it names
   * no repository and digest.
   */
  static String repositoryDigest(String reference) {
    if (reference == null) {
      return null;
    }
    String r = reference;
    int scheme = r.indexOf("://");
    if (scheme >= 0) {
      r = r.substring(scheme + 3);
    }
    int at = r.lastIndexOf('@');
    if (at <= 0) {
      return null;
    }
    String digest = r.substring(at + 1);
    if (!DIGEST.matcher(digest).matches()) {
      return null;
    }
    String repo = r.substring(0, at);
    // "repo:tag@sha256:…": the digest decides; the tag is dropped
    int slash = repo.lastIndexOf('/');
    int colon = repo.lastIndexOf(':');
    if (colon > slash) {
      repo = repo.substring(0, colon);
    }
    return repo + "@" + digest;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
