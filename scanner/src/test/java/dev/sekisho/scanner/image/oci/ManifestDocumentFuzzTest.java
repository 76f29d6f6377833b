package dev.sekisho.scanner.image.oci;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the reading of manifests and indexes (OCI and Docker schema 2), as a registry or an OCI
 * layout hands them over, and the platform choice in an index. Any bytes give a document or an
 * {@link ImageAccessException} naming the problem.
 */
class ManifestDocumentFuzzTest {
  private static final int MAX_INPUT = 16 << 10;
  private static final String[] CONTENT_TYPES = {
    null,
    MediaTypes.OCI_MANIFEST,
    MediaTypes.OCI_INDEX,
    MediaTypes.DOCKER_MANIFEST,
    MediaTypes.DOCKER_MANIFEST_LIST,
  };

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void manifestDocument(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    // the content type a server might send with these bytes, chosen by their length
    String contentType = CONTENT_TYPES[data.length % CONTENT_TYPES.length];
    try {
      ManifestDocument doc = ManifestDocument.parse(data, contentType, "manifest of fuzz");
      if (doc instanceof ImageIndex index) {
        index.select(Platform.DEFAULT, "index of fuzz");
      } else if (doc instanceof Manifest manifest) {
        manifest.layers().forEach(Descriptor::digest);
      }
    } catch (ImageAccessException expected) {
      // documented: malformed, unsupported, or no such platform
    }
  }
}
