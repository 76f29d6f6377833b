package dev.sekisho.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server writes its self-signed certificate while it starts; a file read too early must
 * count as "not yet", not as a trust store that can never verify the server.
 */
class ServingCertificateTest {
  private static final Path CERT = Path.of("src/test/resources/kube/serving-cert.pem");

  @TempDir Path dir;

  @Test
  void aMissingFileIsNotYetWritten() {
    assertThat(KubeApiServer.trustingWhenWritten(dir.resolve("apiserver.crt"))).isNull();
  }

  @Test
  void anEmptyFileIsNotYetWritten() throws IOException {
    Path file = Files.createFile(dir.resolve("apiserver.crt"));

    assertThat(KubeApiServer.trustingWhenWritten(file)).isNull();
  }

  @Test
  void aFileCutShortIsNotYetWritten() throws IOException {
    String pem = Files.readString(CERT);
    Path file = Files.writeString(dir.resolve("apiserver.crt"), pem.substring(0, pem.length() / 2));

    assertThat(KubeApiServer.trustingWhenWritten(file)).isNull();
  }

  @Test
  void aCompleteCertificateIsTrusted() {
    assertThat(KubeApiServer.trustingWhenWritten(CERT)).isNotNull();
  }
}
