package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class PolicySelectorTest {

  /** Image globs and pipeline globs are space-separated lists; '-' is an empty list. */
  @ParameterizedTest(name = "images [{0}] pipelines [{1}] on {2} from {3}")
  @CsvFileSource(resources = "selectors.csv")
  void selects(String images, String pipelines, String reference, String pipeline, boolean want) {
    ImageSelector selector = new ImageSelector();
    selector.setImages(list(images));
    selector.setPipelines(list(pipelines));
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setSelector(selector);
    ImageReference name = ImageReference.parseLenient(reference);
    ImageFacts image =
        new ImageFacts(
            reference,
            name.registry(),
            name.repository(),
            name.tag(),
            name.digest(),
            "linux/amd64",
            "app",
            null,
            null,
            true,
            Map.of(),
            Map.of(),
            null,
            null);
    NamedPolicy policy = new NamedPolicy(NamedPolicy.CLUSTER_SCAN_POLICY, null, "p", spec);

    assertThat(PolicySelector.selects(policy, image, "-".equals(pipeline) ? null : pipeline))
        .isEqualTo(want);
  }

  private static List<String> list(String s) {
    return s == null || s.equals("-") ? List.of() : Arrays.asList(s.split(" "));
  }
}
