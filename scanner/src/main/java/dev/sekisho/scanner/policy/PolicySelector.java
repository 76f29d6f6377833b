package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.check.ImageName;
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
      ImageName name = image == null ? null : ImageName.of(image);
      if (name == null || !name.matchesAny(compile(selector.getImages()))) {
        return Optional.of(
            "its selector.images "
                + selector.getImages()
                + " do not match "
                + (name == null ? "an image without a name" : describe(name)));
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

  private static String describe(ImageName name) {
    StringBuilder s = new StringBuilder();
    if (name.registry() != null) {
      s.append(name.registry()).append('/');
    }
    s.append(name.repository());
    if (name.tag() != null) {
      s.append(':').append(name.tag());
    }
    if (name.digest() != null) {
      s.append('@').append(name.digest());
    }
    return s.toString();
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
