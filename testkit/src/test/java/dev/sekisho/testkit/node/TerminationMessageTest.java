package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.testkit.node.TerminationMessage.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminationMessageTest {
  @TempDir Path dir;

  @Test
  void encodesAsGoJsonMarshalDoes() {
    // bytes as encoding/json produces them for []result.RunResult (HTML-escaped, type omitted when
    // 0)
    assertThat(
            TerminationMessage.encode(
                List.of(
                    new Entry("VERDICT", "Pass\n", 1),
                    Entry.internal("StartedAt", "2026-11-23T17:26:25.123Z"),
                    new Entry("k", "<a & \"b\">\t\\\u0001\u2028", 0))))
        .isEqualTo(
            "[{\"key\":\"VERDICT\",\"value\":\"Pass\\n\",\"type\":1},"
                + "{\"key\":\"StartedAt\",\"value\":\"2026-11-23T17:26:25.123Z\",\"type\":3},"
                + "{\"key\":\"k\",\"value\":\"\\u003ca \\u0026 \\\"b\\\"\\u003e\\t\\\\\\u0001\\u2028\"}]");
  }

  @Test
  void writeAppendsToTheEntriesAlreadyThereAsWriteMessageDoes() throws IOException {
    Path f = dir.resolve("termination");
    TerminationMessage.write(f, List.of(new Entry("VERDICT", "Fail", 1)));
    TerminationMessage.write(
        f, List.of(Entry.internal("StartedAt", "t"), Entry.internal("ExitCode", "3")));
    assertThat(Files.readString(f))
        .isEqualTo(
            "[{\"key\":\"VERDICT\",\"value\":\"Fail\",\"type\":1},"
                + "{\"key\":\"StartedAt\",\"value\":\"t\",\"type\":3},"
                + "{\"key\":\"ExitCode\",\"value\":\"3\",\"type\":3}]");
    assertThat(TerminationMessage.decode(Files.readString(f)))
        .containsExactly(
            new Entry("VERDICT", "Fail", 1),
            Entry.internal("StartedAt", "t"),
            Entry.internal("ExitCode", "3"));
  }

  @Test
  void aMessageOver4096BytesIsRefusedAndTheFileLeftAlone() throws IOException {
    Path f = dir.resolve("termination");
    TerminationMessage.write(f, List.of(Entry.internal("StartedAt", "t")));
    assertThatThrownBy(
            () -> TerminationMessage.write(f, List.of(new Entry("BIG", "x".repeat(4096), 1))))
        .isInstanceOf(TerminationMessage.TooLongException.class)
        .hasMessage(
            "Termination message is above max allowed size 4096, caused by large task result.");
    assertThat(Files.readString(f))
        .isEqualTo("[{\"key\":\"StartedAt\",\"value\":\"t\",\"type\":3}]");
  }

  @Test
  void decodesLegacyStringTypes() {
    assertThat(
            TerminationMessage.decode(
                "[{\"key\":\"a\",\"value\":\"1\",\"type\":\"TaskRunResult\"},{\"key\":\"b\",\"value\":\"2\"}]"))
        .containsExactly(new Entry("a", "1", 1), new Entry("b", "2", 0));
    assertThatThrownBy(() -> TerminationMessage.decode("{}"))
        .hasMessageContaining("not a JSON array");
  }
}
