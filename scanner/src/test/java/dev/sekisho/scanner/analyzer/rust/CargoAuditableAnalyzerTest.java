package dev.sekisho.scanner.analyzer.rust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.testkit.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cargo-auditable is not installed on the build machine, so the test puts a {@code .dep-v0} section
 * in the format cargo-auditable writes (zlib-compressed JSON) into a real ELF executable of this
 * machine with binutils' objcopy, the way the linker section ends up in a binary.
 */
class CargoAuditableAnalyzerTest {
  @TempDir static Path work;
  private static byte[] binary;
  private final CargoAuditableAnalyzer analyzer = new CargoAuditableAnalyzer();

  @BeforeAll
  static void embedSection() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/true")), "no /bin/true ELF executable to extend");
    String json =
        """
        {"packages":[
          {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2,3],"root":true},
          {"name":"serde","version":"1.0.197","source":"crates.io"},
          {"name":"itoa","version":"1.0.10","source":"crates.io","kind":"runtime"},
          {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}
        ]}
        """;
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(z)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    Path section = work.resolve("dep-v0");
    Files.write(section, z.toByteArray());
    Path out = work.resolve("app");
    ChildProcess.Result r;
    try {
      r =
          ChildProcess.run(
              new ProcessBuilder(
                      "objcopy", "--add-section", ".dep-v0=" + section, "/bin/true", out.toString())
                  .redirectErrorStream(true),
              Duration.ofSeconds(60));
    } catch (java.io.UncheckedIOException e) {
      assumeTrue(false, "objcopy (binutils) is not installed: " + e.getMessage());
      return;
    }
    assumeTrue(r.exitCode() == 0, "objcopy failed or missing: " + r.stdout());
    binary = Files.readAllBytes(out);
  }

  @Test
  void readsRuntimeCratesFromTheDepSection() throws IOException {
    AnalysisResult r = FixtureInput.of("usr/bin/app", binary).withMode(0755).analyzeWith(analyzer);
    assertThat(r.warnings()).isEmpty();
    assertThat(r.packages())
        .extracting(p -> p.name() + " " + p.version() + " " + p.purl())
        .containsExactly(
            "app 0.1.0 pkg:cargo/app@0.1.0",
            "serde 1.0.197 pkg:cargo/serde@1.0.197",
            "itoa 1.0.10 pkg:cargo/itoa@1.0.10");
  }

  @Test
  void binaryWithoutTheSectionYieldsNothing() throws IOException {
    AnalysisResult r =
        FixtureInput.of("bin/true", Path.of("/bin/true")).withMode(0755).analyzeWith(analyzer);
    assertThat(r.isEmpty()).isTrue();
  }
}
