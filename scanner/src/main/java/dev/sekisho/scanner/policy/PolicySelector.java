package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.check.ImageName;
import dev.sekisho.scanner.model.ImageFacts;
import java.util.List;

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
    ImageSelector selector = policy.spec() == null ? null : policy.spec().getSelector();
    if (selector == null) {
      return true;
    }
    if (!selector.getImages().isEmpty()) {
      ImageName name = ImageName.of(image);
      if (!name.matchesAny(compile(selector.getImages()))) {
        return false;
      }
    }
    if (!selector.getPipelines().isEmpty()) {
      if (pipeline == null || pipeline.isEmpty()) {
        return false;
      }
      return compile(selector.getPipelines()).stream().anyMatch(g -> g.matches(pipeline));
    }
    return true;
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
