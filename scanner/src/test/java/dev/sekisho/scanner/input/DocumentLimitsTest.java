package dev.sekisho.scanner.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DocumentLimitsTest {
  @TempDir Path tmp;

  @Test
  void aRegularFileOverTheLimitIsRefusedByItsSize() throws Exception {
    Path file = tmp.resolve("p.yaml");
    Files.write(file, new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> DocumentLimits.POLICY.read(file))
        .isInstanceOf(DocumentException.class)
        .hasMessage(
            "policy file "
                + file
                + " is 1.0 MiB, more than the limit of 1 MiB (split the policies across several"
                + " --policy files)");
    Files.write(file, new byte[1 << 20]);
    assertThat(DocumentLimits.POLICY.read(file)).hasSize(1 << 20);
  }

  /** A pipe has no size: the read stops one byte past the limit, however much is written. */
  @Test
  void aPipeIsReadOnlyUpToTheLimit() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      mkfifo = null;
    }
    assumeTrue(mkfifo != null && mkfifo.waitFor() == 0, "mkfifo is not available");
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (OutputStream out = Files.newOutputStream(fifo)) {
                    byte[] chunk = new byte[64 << 10];
                    for (int i = 0; i < 1024; i++) { // 64 MiB unless the reader stops first
                      out.write(chunk);
                    }
                  } catch (IOException expected) {
                    // the reader closed the pipe at the limit
                  }
                });
    assertThatThrownBy(() -> DocumentLimits.POLICY.read(fifo))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining("policy file " + fifo + " is larger than 1 MiB")
        .hasMessageContaining("limit of 1 MiB");
    writer.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(writer.isAlive()).isFalse();
  }

  @Test
  void jacksonMessagesLoseTheirTypeNames() {
    assertThat(
            DocumentLimits.plain(
                "Cannot deserialize value of type `java.util.ArrayList<java.lang.Integer>` from"
                    + " String value (token `JsonToken.VALUE_STRING`)\n"
                    + " at [Source: (StringReader); line: 1, column: 5] (through reference chain:"
                    + " dev.sekisho.api.v1alpha1.ScanPolicySpec[\"config\"])"))
        .isEqualTo("Cannot deserialize value of type value from String value (token value)");
  }
}
