package dev.sekisho.scanner.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformTest {
  private static Descriptor entry(String digestByte, String os, String arch, String variant) {
    return new Descriptor(
        MediaTypes.OCI_MANIFEST,
        "sha256:" + digestByte.repeat(64),
        100,
        new Descriptor.PlatformSpec(arch, os, variant, null),
        Map.of(),
        null);
  }

  private final ImageIndex index =
      new ImageIndex(
          2,
          MediaTypes.OCI_INDEX,
          List.of(
              entry("0", "unknown", "unknown", null),
              entry("1", "linux", "amd64", null),
              entry("2", "linux", "arm64", "v8"),
              entry("3", "linux", "arm", "v6"),
              entry("4", "linux", "arm", "v7")),
          null);

  @Test
  void selectsExactPlatformWithDefaultVariants() throws Exception {
    assertThat(index.select(Platform.DEFAULT, "x").digest()).endsWith("1".repeat(64));
    assertThat(index.select(Platform.parse("linux/arm64"), "x").digest()).endsWith("2".repeat(64));
    assertThat(index.select(Platform.parse("linux/arm64/v8"), "x").digest())
        .endsWith("2".repeat(64));
    assertThat(index.select(Platform.parse("linux/arm"), "x").digest()).endsWith("4".repeat(64));
    assertThat(index.select(Platform.parse("linux/arm/v6"), "x").digest()).endsWith("3".repeat(64));
  }

  @Test
  void missingPlatformListsWhatIsAvailable() {
    assertThatThrownBy(() -> index.select(Platform.parse("linux/s390x"), "the index of img"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("linux/s390x")
        .hasMessageContaining("the index of img")
        .hasMessageContaining("linux/amd64, linux/arm64/v8, linux/arm/v6, linux/arm/v7")
        .satisfies(
            e ->
                assertThat(((ImageAccessException) e).reason())
                    .isEqualTo(ImageAccessException.Reason.PLATFORM_NOT_FOUND));
  }

  @Test
  void parseRejectsMalformed() {
    assertThatThrownBy(() -> Platform.parse("amd64")).hasMessageContaining("\"amd64\"");
    assertThatThrownBy(() -> Platform.parse("linux//v7")).hasMessageContaining("OS/ARCH");
    assertThat(Platform.parse("linux/arm64/v8").toString()).isEqualTo("linux/arm64/v8");
  }
}
