package dev.sekisho.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.testkit.images.BuiltImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks the task image the real Jib build of this module makes ({@code -Pimage}, goal buildTar,
 * through {@link BuiltImages}): entry point, non-root user, labels, and the launcher and classpath
 * files. The base image is the one {@code hack/base-image.sh} makes on this machine, so no registry
 * is contacted. {@link ShippedImagesIT} runs it.
 */
class TaskImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void jibBuildProducesARestrictedFriendlyImage() throws Exception {
    Path tar = BuiltImages.get().taskImage();
    Map<String, byte[]> entries = read(tar);
    JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
    JsonNode config = JSON.readTree(entries.get(manifest.get("Config").asText())).get("config");
    assertThat(config.get("Entrypoint").toString()).isEqualTo("[\"/usr/local/bin/sekisho\"]");
    assertThat(config.get("User").asText()).isEqualTo("1001");
    assertThat(config.get("Labels").get("org.opencontainers.image.title").asText())
        .isEqualTo("sekisho-task");
    assertThat(config.get("Labels").has("org.opencontainers.image.version")).isTrue();
    assertThat(config.get("Env").toString()).contains("HOME=/tmp");

    Map<String, TarArchiveEntry> files = new HashMap<>();
    Map<String, byte[]> contents = new HashMap<>();
    for (JsonNode layer : manifest.get("Layers")) {
      byte[] blob = entries.get(layer.asText());
      try (var in =
          new TarArchiveInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(blob)))) {
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
          files.put(e.getName(), e);
          if (e.getName().endsWith("jib-classpath-file") || e.getName().endsWith("bin/sekisho")) {
            contents.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    TarArchiveEntry launcher = files.get("usr/local/bin/sekisho");
    assertThat(launcher).as("launcher in the image").isNotNull();
    assertThat(launcher.getMode() & 0755).isEqualTo(0755);
    assertThat(new String(contents.get("usr/local/bin/sekisho"), StandardCharsets.UTF_8))
        .contains("dev.sekisho.cli.Main");
    assertThat(files).as("JIT directives in the image").containsKey("app/jit-directives.json");
    String classpath = new String(contents.get("app/jib-classpath-file"), StandardCharsets.UTF_8);
    assertThat(classpath).contains("picocli").contains("sekisho-scanner");
    // Readable by any UID (OpenShift assigns one): nothing the app needs is owner-only.
    files.values().stream()
        .filter(e -> e.getName().startsWith("app/") && e.isFile())
        .forEach(e -> assertThat(e.getMode() & 0044).as(e.getName()).isEqualTo(0044));
  }

  private static Map<String, byte[]> read(Path tar) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (InputStream raw = Files.newInputStream(tar);
        var in = new TarArchiveInputStream(raw)) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile()) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return entries;
  }
}
