package dev.sekisho.scanner.image.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one reader of image configs that every source uses. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigBlobTest {
  private static final byte[] CONFIG =
      """
      {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}
      """
          .formatted("a".repeat(64))
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void readsParsesAndDigestsTheBlob() throws IOException {
    ConfigBlob blob =
        ConfigBlob.read(() -> new ByteArrayInputStream(CONFIG), CONFIG.length, null, "the config");
    assertThat(blob.config().os()).isEqualTo("linux");
    assertThat(blob.config().diffIds()).containsExactly("sha256:" + "a".repeat(64));
    assertThat(blob.digest()).isEqualTo(Digest.sha256(CONFIG));
    assertThat(blob.size()).isEqualTo(CONFIG.length);
  }

  @Test
  void aDeclaredSizeOverTheLimitOpensNothing() {
    assertThatThrownBy(
            () ->
                ConfigBlob.read(
                    () -> {
                      throw new AssertionError("opened a blob declared too large");
                    },
                    ConfigBlob.MAX_BYTES + 1L,
                    null,
                    "the config sha256:x of example.com/app:1"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("the config sha256:x of example.com/app:1")
        .hasMessageContaining("larger than " + ConfigBlob.MAX_BYTES + " bytes")
        .satisfies(e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.INVALID));
  }

  @Test
  void aBlobLongerThanTheLimitIsRefusedNotCut() {
    assertThatThrownBy(
            () -> ConfigBlob.read(() -> endless(), -1, null, "the config ID.json in archive x"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("the config ID.json in archive x")
        .hasMessageContaining("(the limit for an image config)");
  }

  @Test
  void aBlobThatDoesNotMatchTheExpectedDigestIsRejected() {
    Digest other = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> ConfigBlob.read(() -> new ByteArrayInputStream(CONFIG), -1, other, "the config"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("does not match its digest " + other)
        .satisfies(
            e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.DIGEST_MISMATCH));
  }

  @Test
  void aBlobThatIsNotAnObjectIsInvalid() {
    byte[] json = "null".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> ConfigBlob.read(() -> new ByteArrayInputStream(json), -1, null, "the config c"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("the config c is not a JSON object");
  }

  @Test
  void aFailedReadNamesTheConfig() {
    assertThatThrownBy(
            () ->
                ConfigBlob.read(
                    () -> {
                      throw new IOException("disk gone");
                    },
                    -1,
                    null,
                    "the config c"))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("cannot read the config c: disk gone")
        .satisfies(e -> assertThat(((ImageAccessException) e).reason()).isEqualTo(Reason.IO));
  }

  /** Spaces without end: a config that never stops. */
  private static InputStream endless() {
    return new InputStream() {
      @Override
      public int read() {
        return ' ';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) ' ');
        return len;
      }
    };
  }
}
