package dev.sekisho.scanner.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The platforms of an index as BuildKit writes it, attestation manifests among its entries. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImageIndexTest {
  private static final String AMD64 = "sha256:" + "1".repeat(64);
  private static final String ARM64 = "sha256:" + "2".repeat(64);
  private static final String ATTESTATION = "sha256:" + "3".repeat(64);

  /** docker buildx build --platform linux/amd64,linux/arm64 --provenance=true (shape). */
  private static final String BUILDX_INDEX =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s","size":1,
         "platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%3$s","size":1,
         "annotations":{"vnd.docker.reference.type":"attestation-manifest"},
         "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%2$s","size":1,
         "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%3$s","size":1,
         "annotations":{"vnd.docker.reference.digest":"%1$s",
                        "vnd.docker.reference.type":"attestation-manifest"},
         "platform":{"architecture":"unknown","os":"unknown"}}
      ]}
      """
          .formatted(AMD64, ARM64, ATTESTATION);

  private static ImageIndex index() throws Exception {
    return (ImageIndex)
        ManifestDocument.parse(
            BUILDX_INDEX.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX, "the test index");
  }

  @Test
  void platformsSkipAttestationManifestsAndUnknownEntries() throws Exception {
    assertThat(index().platforms())
        .containsExactly(
            java.util.Map.entry(Platform.parse("linux/amd64"), AMD64),
            java.util.Map.entry(Platform.parse("linux/arm64/v8"), ARM64));
  }

  @Test
  void anAttestationManifestIsNeverSelected() throws Exception {
    // an attestation manifest that names a real platform comes before the image in this index
    assertThat(index().select(Platform.parse("linux/arm64"), "i").digest()).isEqualTo(ARM64);
    assertThatThrownBy(() -> index().select(Platform.parse("linux/s390x"), "the test index"))
        .hasMessageContaining("available: linux/amd64, linux/arm64/v8");
  }
}
