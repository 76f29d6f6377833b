package dev.sekisho.scanner.artifact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.check.ImageChecks;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageConfig;
import dev.sekisho.scanner.image.oci.Manifest;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.model.ImageFacts;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the image config as a scan reads it: parsed as every image source parses it, turned into
 * the image facts, and checked by the default config checks. Any bytes give findings or an {@link
 * ImageAccessException} naming the config.
 */
class ImageConfigFuzzTest {
  private static final int MAX_INPUT = 16 << 10;
  private static final String LAYER =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  private static final Manifest MANIFEST =
      new Manifest(
          2,
          MediaTypes.OCI_MANIFEST,
          new Descriptor(MediaTypes.OCI_CONFIG, LAYER, 2, null, null, null),
          List.of(new Descriptor(MediaTypes.OCI_LAYER_GZIP, LAYER, 10, null, null, null)),
          null);
  private static final InspectOptions OPTIONS = InspectOptions.defaults();

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void imageConfig(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    ImageConfig config;
    try {
      config = ImageConfig.parse(data, "the config " + LAYER);
    } catch (ImageAccessException expected) {
      return; // documented: a malformed config
    }
    Platform platform = config.platform() != null ? config.platform() : Platform.DEFAULT;
    ResolvedImage image =
        new ResolvedImage(null, null, null, null, null, MANIFEST, config, platform);
    ImageFacts facts = ArtifactInspector.facts("fuzz:latest", image, OPTIONS);
    ImageChecks.defaults(facts);
    image.diffIds();
  }
}
