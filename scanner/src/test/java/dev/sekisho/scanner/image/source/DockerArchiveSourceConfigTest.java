package dev.sekisho.scanner.image.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.image.oci.ConfigBlob;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A docker-save archive's config is read with the same limit and checks as every source's. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DockerArchiveSourceConfigTest {
  @TempDir Path dir;

  @Test
  void aConfigOverTheLimitIsRefusedNamingTheLimitInsteadOfBeingCut() throws IOException {
    Files.writeString(
        dir.resolve("manifest.json"),
        "[{\"Config\":\"config.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[]}]");
    // a valid JSON object, padded past the limit with spaces after its end
    try (OutputStream out = Files.newOutputStream(dir.resolve("config.json"))) {
      out.write("{\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8));
      byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < (ConfigBlob.MAX_BYTES >> 20); i++) {
        out.write(spaces);
      }
    }
    try (DockerArchiveSource source =
        new DockerArchiveSource(new DirectoryBlobStore(dir), null, null)) {
      assertThatThrownBy(() -> source.resolve(Platform.DEFAULT))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("the config config.json in ")
          .hasMessageContaining("larger than " + ConfigBlob.MAX_BYTES + " bytes")
          .satisfies(
              e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.INVALID));
    }
  }

  @Test
  void aConfigNamedByADigestItDoesNotHaveIsRejected() throws IOException {
    String name = "b".repeat(64) + ".json";
    Files.writeString(
        dir.resolve("manifest.json"),
        "[{\"Config\":\"" + name + "\",\"RepoTags\":[\"app:1\"],\"Layers\":[]}]");
    Files.writeString(dir.resolve(name), "{\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[]}}");
    try (DockerArchiveSource source =
        new DockerArchiveSource(new DirectoryBlobStore(dir), null, null)) {
      assertThatThrownBy(() -> source.resolve(Platform.DEFAULT))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("the config " + name)
          .hasMessageContaining("does not match its digest sha256:" + "b".repeat(64))
          .satisfies(
              e ->
                  assertThat(((ImageAccessException) e).reason())
                      .isEqualTo(Reason.DIGEST_MISMATCH));
    }
  }
}
