package dev.sekisho.scanner.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.list.Analyzers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretAnalyzerTest {

  /** One in-memory file, as the core hands it to analyzers. */
  private record FakeInput(String path, String layerDigest, byte[] data) implements AnalysisInput {
    @Override
    public FileInfo info() {
      return new FileInfo(data.length, 0644);
    }

    @Override
    public InputStream stream() {
      return new ByteArrayInputStream(data);
    }

    @Override
    public SeekableByteChannel channel() {
      throw new UnsupportedOperationException("the secret analyzer reads sequentially");
    }

    @Override
    public java.nio.file.Path file() {
      throw new UnsupportedOperationException("the secret analyzer reads sequentially");
    }
  }

  @Test
  void isRegisteredInTheOneAnalyzerList() {
    assertThat(Analyzers.all()).anyMatch(a -> a instanceof SecretAnalyzer);
  }

  @Test
  void reportsRuleFileLayerAndLineWithTheSecretRedacted() throws Exception {
    String token = SecretScannerTest.generate("ghp_@alnum_36@", 42);
    byte[] data = ("# deploy\nexport GH=" + token + "\n").getBytes(StandardCharsets.UTF_8);
    SecretAnalyzer analyzer = new SecretAnalyzer();

    assertThat(analyzer.required("app/deploy.sh", new FileInfo(data.length, 0755))).isTrue();
    AnalysisResult result = analyzer.analyze(new FakeInput("app/deploy.sh", "sha256:abc", data));

    assertThat(result.secrets())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("github-pat");
              assertThat(f.location().path()).isEqualTo("/app/deploy.sh");
              assertThat(f.location().layerDigest()).isEqualTo("sha256:abc");
              assertThat(f.line()).isEqualTo(2);
              assertThat(f.redacted()).isEqualTo("ghp_****");
              assertThat(f.toString()).doesNotContain(token.substring(4));
            });
  }

  @Test
  void aCleanFileYieldsAnEmptyResult() throws Exception {
    byte[] data = "hello\n".getBytes(StandardCharsets.UTF_8);
    assertThat(new SecretAnalyzer().analyze(new FakeInput("a.txt", null, data)).isEmpty()).isTrue();
  }

  @Test
  void aBinaryFileIsDroppedAfterItsProbeWithoutReadingTheRest() throws Exception {
    String token = SecretScannerTest.generate("ghp_@alnum_36@", 43);
    byte[] data = new byte[1 << 20];
    java.util.Arrays.fill(data, (byte) 'x');
    data[100] = 0;
    byte[] tail = ("\nGH=" + token + "\n").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tail, 0, data, data.length - tail.length, tail.length);
    ByteArrayInputStream stream = new ByteArrayInputStream(data);
    AnalysisInput input =
        new AnalysisInput() {
          @Override
          public String path() {
            return "usr/bin/tool";
          }

          @Override
          public String layerDigest() {
            return null;
          }

          @Override
          public FileInfo info() {
            return new FileInfo(data.length, 0755);
          }

          @Override
          public InputStream stream() {
            return stream;
          }

          @Override
          public SeekableByteChannel channel() {
            throw new UnsupportedOperationException();
          }

          @Override
          public java.nio.file.Path file() {
            throw new UnsupportedOperationException();
          }
        };

    assertThat(new SecretAnalyzer().analyze(input).isEmpty()).isTrue();
    assertThat(stream.available()).isEqualTo(data.length - SecretScanner.BINARY_PROBE);
  }

  @Test
  void aTextFileLongerThanTheProbeIsScannedToItsEnd() throws Exception {
    String token = SecretScannerTest.generate("ghp_@alnum_36@", 44);
    String text = "line of text\n".repeat(2000) + "GH=" + token + "\n";
    byte[] data = text.getBytes(StandardCharsets.UTF_8);

    AnalysisResult result = new SecretAnalyzer().analyze(new FakeInput("app/run.sh", null, data));

    assertThat(result.secrets())
        .singleElement()
        .satisfies(f -> assertThat(f.line()).isEqualTo(2001));
  }
}
