package dev.sekisho.scanner.image.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An image whose config blob is not a JSON object is rejected with a message naming the config. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OciLayoutSourceConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void configThatIsJsonNullIsInvalid() throws Exception {
    OciLayoutBuilder layout = new OciLayoutBuilder(dir);
    OciLayoutBuilder.Blob config =
        layout.blob(MediaTypes.OCI_CONFIG, "null".getBytes(StandardCharsets.UTF_8));
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest
        .putObject("config")
        .put("mediaType", config.mediaType())
        .put("digest", config.digest())
        .put("size", config.size());
    manifest.putArray("layers");
    layout.tag(layout.blob(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest)), "1.0");
    try (OciLayoutSource source =
        new OciLayoutSource(new DirectoryBlobStore(layout.finish()), "1.0", null)) {
      assertThatThrownBy(() -> source.resolve(Platform.DEFAULT))
          .isInstanceOf(ImageAccessException.class)
          .hasMessageContaining("the config " + config.digest())
          .hasMessageContaining("is not a JSON object");
    }
  }
}
