package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a policy's selector picks a scan, by image reference globs and pipeline name
 * globs. (Which namespaces a ClusterScanPolicy covers is the operator's business.)
 */
public final class PolicySelector {
  private PolicySelector() {}

  /**
   * Whether {@code policy} applies to a scan of {@code image} made by {@code pipeline}.
   *
   * <p>No selector, or empty lists, select everything. Image globs are matched against every
   * spelling of the image name ({@code host/repo}, {@code host/repo:tag}, {@code host/repo@digest},
   * and for Docker Hub the short forms); {@code *} stays within one path segment, {@code **}
   * crosses them. A non-empty pipeline list does not select scans made outside a pipeline ({@code
   * pipeline} null). A glob that does not compile selects nothing.
   */
  public static boolean selects(NamedPolicy policy, ImageFacts image, String pipeline) {
    return whyNot(policy, image, pipeline).isEmpty();
  }

  /**
   * Why {@code policy} does not apply to a scan of {@code image} made by {@code pipeline} (see
   * {@link #selects}), e.g. "its selector.images [registry.example.com/team/**] do not match
   * docker.io/library/alpine:3.20"; empty when it applies. An image without facts (null) matches no
   * image glob.
   */
  public static Optional<String> whyNot(NamedPolicy policy, ImageFacts image, String pipeline) {
    ImageSelector selector = policy.spec() == null ? null : policy.spec().getSelector();
    if (selector == null) {
      return Optional.empty();
    }
    if (!selector.getImages().isEmpty()) {
      ImageReference name = image == null ? null : imageName(image);
      if (name == null || !Glob.anyMatches(compile(selector.getImages()), name.forms())) {
        return Optional.of(
            "its selector.images "
                + selector.getImages()
                + " do not match "
                + (name == null ? "an image without a name" : name.toString()));
      }
    }
    if (!selector.getPipelines().isEmpty()) {
      if (pipeline == null || pipeline.isEmpty()) {
        return Optional.of(
            "its selector.pipelines "
                + selector.getPipelines()
                + " do not select a scan made outside a pipeline");
      }
      if (compile(selector.getPipelines()).stream().noneMatch(g -> g.matches(pipeline))) {
        return Optional.of(
            "its selector.pipelines "
                + selector.getPipelines()
                + " do not match pipeline "
                + pipeline);
      }
    }
    return Optional.empty();
  }

  /**
   * The name of a scanned image, from its facts: its registry, repository, tag and digest when the
   * facts split them, else its reference read leniently, else an empty name (which only globs such
   * as {@code *} match).
   */
  static ImageReference imageName(ImageFacts image) {
    if (image.repository() != null && !image.repository().isEmpty()) {
      return new ImageReference(image.registry(), image.repository(), image.tag(), image.digest());
    }
    return image.reference() == null || image.reference().isEmpty()
        ? new ImageReference(null, "", image.tag(), image.digest())
        : ImageReference.parseLenient(image.reference());
  }

  /** The policies of {@code policies} that select the scan, in order. */
  public static List<NamedPolicy> select(
      List<NamedPolicy> policies, ImageFacts image, String pipeline) {
    return policies.stream().filter(p -> selects(p, image, pipeline)).toList();
  }

  private static List<Glob> compile(List<String> globs) {
    return globs.stream().filter(g -> Glob.problem(g).isEmpty()).map(Glob::compile).toList();
  }
}
