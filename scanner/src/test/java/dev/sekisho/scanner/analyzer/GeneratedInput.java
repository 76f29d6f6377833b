package dev.sekisho.scanner.analyzer;

import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * An {@link AnalysisInput} whose content is generated as it is read, never held: {@code head}, then
 * {@code unit} repeated, then {@code tail}, {@code size} bytes in all. For hostile inputs of
 * gigabytes in tests; {@link #consumed()} tells how much the analyzer read.
 */
public final class GeneratedInput implements AnalysisInput {
  private final String path;
  private final byte[] head;
  private final byte[] unit;
  private final byte[] tail;
  private final long size;
  private long consumed;

  public GeneratedInput(String path, String head, String unit, String tail, long size) {
    this(
        path,
        head.getBytes(StandardCharsets.UTF_8),
        unit.getBytes(StandardCharsets.UTF_8),
        tail.getBytes(StandardCharsets.UTF_8),
        size);
  }

  public GeneratedInput(String path, byte[] head, byte[] unit, byte[] tail, long size) {
    if (size < head.length + tail.length || unit.length == 0) {
      throw new IllegalArgumentException("size too small for head and tail, or empty unit");
    }
    this.path = path;
    this.head = head;
    this.unit = unit;
    this.tail = tail;
    this.size = size;
  }

  /** A file of {@code size} NUL bytes. */
  public static GeneratedInput zeros(String path, long size) {
    return new GeneratedInput(path, new byte[0], new byte[] {0}, new byte[0], size);
  }

  /** Bytes the analyzer read so far. */
  public long consumed() {
    return consumed;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String layerDigest() {
    return FixtureInput.LAYER;
  }

  @Override
  public FileInfo info() {
    return new FileInfo(size, 0644);
  }

  @Override
  public InputStream stream() {
    return new InputStream() {
      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (consumed >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - consumed);
        long tailStart = size - tail.length;
        for (int i = 0; i < n; i++) {
          long p = consumed + i;
          if (p < head.length) {
            b[off + i] = head[(int) p];
          } else if (p >= tailStart) {
            b[off + i] = tail[(int) (p - tailStart)];
          } else {
            b[off + i] = unit[(int) ((p - head.length) % unit.length)];
          }
        }
        consumed += n;
        return n;
      }
    };
  }

  /** Runs the analyzer on this input, checking first that it wants the file. */
  public AnalysisResult analyzeWithAnalyzer(Analyzer analyzer) throws java.io.IOException {
    if (!analyzer.required(path, info())) {
      throw new AssertionError(analyzer.name() + " does not want " + path);
    }
    return analyzer.analyze(this);
  }

  @Override
  public SeekableByteChannel channel() {
    throw new UnsupportedOperationException("generated inputs are streamed");
  }

  @Override
  public java.nio.file.Path file() {
    throw new UnsupportedOperationException("generated inputs are streamed");
  }
}
