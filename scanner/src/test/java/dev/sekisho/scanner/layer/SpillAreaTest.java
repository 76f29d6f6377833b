package dev.sekisho.scanner.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scan's total limit bounds the temporary disk in use at once, not every copy ever made. */
@Timeout(60)
class SpillAreaTest {
  @TempDir Path tmp;

  @Test
  void aReleasedCopyGivesItsBytesBack() throws Exception {
    SpillArea area = new SpillArea(tmp, new SpillLimits(100, 150));
    Path first = area.create("sha256:l1", 100);
    assertThatThrownBy(() -> area.create("sha256:l1", 100))
        .isInstanceOf(SpillArea.RefusedException.class)
        .hasMessageContaining("total limit");

    area.release(first);
    assertThat(first).doesNotExist();
    Path second = area.create("sha256:l2", 100);
    assertThat(second).exists();
    area.release(second);
    assertThat(Files.list(tmp)).isEmpty();
  }
}
