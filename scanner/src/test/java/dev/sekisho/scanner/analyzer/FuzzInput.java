package dev.sekisho.scanner.analyzer;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * An {@link AnalysisInput} over fuzzer bytes, as the layer walker hands a small file to an
 * analyzer: the channel is the same in-memory channel the walker uses for files it buffers, so
 * positions past the end behave as in a scan.
 */
public record FuzzInput(String path, byte[] content, int mode) implements AnalysisInput {

  /** The bytes at {@code imagePath} (no leading slash), mode 0755 so executables qualify. */
  public static FuzzInput of(String imagePath, byte[] content) {
    return new FuzzInput(imagePath, content, 0755);
  }

  @Override
  public String layerDigest() {
    return FixtureInput.LAYER;
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
    return new SeekableInMemoryByteChannel(content);
  }

  @Override
  public java.nio.file.Path file() throws java.io.IOException {
    java.nio.file.Path copy = java.nio.file.Files.createTempFile("sekisho-fuzz-", ".tmp");
    copy.toFile().deleteOnExit();
    java.nio.file.Files.write(copy, content);
    return copy;
  }
}
