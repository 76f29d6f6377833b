package dev.sekisho.scanner.analyzer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An {@link AnalysisInput} over bytes held in memory, for analyzer tests: a fixture file presented
 * at an image path in a made-up layer.
 */
public record FixtureInput(String path, String layerDigest, byte[] content, int mode)
    implements AnalysisInput {

  public static final String LAYER =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";

  /** The bytes at {@code imagePath} (no leading slash) in {@link #LAYER}. */
  public static FixtureInput of(String imagePath, byte[] content) {
    return new FixtureInput(imagePath, LAYER, content, 0644);
  }

  /** A file of this machine presented at {@code imagePath}. */
  public static FixtureInput of(String imagePath, Path file) {
    try {
      return of(imagePath, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A test resource presented at {@code imagePath}. */
  public static FixtureInput resource(String imagePath, String resource) {
    try (InputStream in = FixtureInput.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return of(imagePath, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same content with a different file mode. */
  public FixtureInput withMode(int newMode) {
    return new FixtureInput(path, layerDigest, content, newMode);
  }

  @Override
  public FileInfo info() {
    return new FileInfo(content.length, mode);
  }

  @Override
  public InputStream stream() {
    return new ByteArrayInputStream(content);
  }

  @Override
  public SeekableByteChannel channel() {
    return new InMemoryChannel(content);
  }

  /** A private temporary copy, deleted when the test JVM exits. */
  @Override
  public Path file() throws IOException {
    Path copy = Files.createTempFile("sekisho-fixture-", ".tmp");
    copy.toFile().deleteOnExit();
    Files.write(copy, content);
    return copy;
  }

  /** Runs the analyzer on this input, checking first that it wants the file. */
  public AnalysisResult analyzeWith(Analyzer analyzer) throws IOException {
    if (!analyzer.required(path, info())) {
      throw new AssertionError(analyzer.name() + " does not want " + path);
    }
    return analyzer.analyze(this);
  }
}
