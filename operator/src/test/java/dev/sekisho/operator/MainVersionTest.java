package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.scan.ScannerVersion;
import org.junit.jupiter.api.Test;

class MainVersionTest {
  @Test
  void theOperatorReportsTheBuildsVersionEvenWithoutAJarManifest() {
    // tests, like the image, run classes from directories: there is no jar manifest to read
    assertThat(Main.version())
        .isEqualTo(ScannerVersion.current())
        .isNotIn("dev", "unknown")
        .matches("\\d+\\.\\d+\\.\\d+.*");
  }
}
