package dev.sekisho.scanner.layer;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * The content of one tar entry, handed to one or more analyzers.
 *
 * <p>With one analyzer, {@link AnalysisInput#stream()} reads the tar entry directly. {@link
 * AnalysisInput#channel()}, or a second analyzer, needs the content more than once: it is then
 * copied once, into memory when it is at most {@code memoryLimit} bytes, else into a private
 * temporary file of the scan's {@link SpillArea} (created owner-only by {@link
 * Files#createTempFile}) that {@link #close()} deletes; {@link AnalysisInput#file()} always copies
 * to such a file. A copy the {@link SpillLimits} refuse is remembered ({@link #refusal()}) and
 * refused again to every later analyzer that asks; {@link AnalysisInput#stream()} still works then.
 * Streams and channels given out are closed by {@link #close()} too.
 */
final class FileContent implements Closeable {
  private final String path;
  private final String layerDigest;
  private final FileInfo info;
  private final InputStream source;
  private final long memoryLimit;
  private final SpillArea spill;
  private final List<Closeable> opened = new ArrayList<>();
  private boolean sourceUsed;
  private byte[] bytes;
  private Path spilled;
  private SpillArea.RefusedException refusal;
  private int refusals;

  FileContent(
      String path,
      String layerDigest,
      FileInfo info,
      InputStream source,
      long memoryLimit,
      SpillArea spill) {
    this.path = path;
    this.layerDigest = layerDigest;
    this.info = info;
    this.source = source;
    this.memoryLimit = memoryLimit;
    this.spill = spill;
  }

  /** Why a copy to a temporary file was refused, or null when none was. */
  SpillArea.RefusedException refusal() {
    return refusal;
  }

  /** How many times a copy was refused to a caller (each analyzer that asked counts). */
  int refusals() {
    return refusals;
  }

  /** Copies the content out of the tar stream (once), so that it can be read again. */
  void materialize() throws IOException {
    if (bytes != null || spilled != null) {
      return;
    }
    if (info.size() > memoryLimit) {
      spillToFile();
      return;
    }
    claimSource();
    // one array of the size the tar header gives, read into directly (readAllBytes would
    // gather 8 KiB chunks and copy them again)
    byte[] content = new byte[(int) info.size()];
    int n = source.readNBytes(content, 0, content.length);
    bytes = n == content.length ? content : Arrays.copyOf(content, n);
  }

  /** The content in a temporary file, copied from memory or straight from the tar stream. */
  private Path spillToFile() throws IOException {
    if (spilled != null) {
      return spilled;
    }
    if (refusal != null) {
      refusals++;
      throw refusal;
    }
    if (bytes == null && sourceUsed) {
      throw new IllegalStateException("the content of " + path + " was already streamed");
    }
    long size = bytes != null ? bytes.length : info.size();
    Path file;
    try {
      file = spill.create(layerDigest, size);
    } catch (SpillArea.RefusedException e) {
      refusal = e;
      refusals++;
      throw e;
    }
    // the copy is handed out only once it is complete: a failed write (a full disk) must not leave
    // a truncated file for the next analyzer to read as the whole content
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
      if (bytes != null) {
        out.write(bytes);
      } else {
        claimSource();
        // never more than the reserved size, whatever the stream does
        byte[] buffer = new byte[1 << 16];
        long left = size;
        int n;
        while (left > 0 && (n = source.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
          out.write(buffer, 0, n);
          left -= n;
        }
      }
    } catch (IOException | RuntimeException e) {
      spill.release(file);
      throw e;
    }
    spilled = file;
    return file;
  }

  private void claimSource() {
    if (sourceUsed) {
      throw new IllegalStateException("the content of " + path + " was already streamed");
    }
    sourceUsed = true;
  }

  /** An input for one analyzer. */
  AnalysisInput input() {
    return new AnalysisInput() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public String layerDigest() {
        return layerDigest;
      }

      @Override
      public FileInfo info() {
        return info;
      }

      @Override
      public InputStream stream() throws IOException {
        InputStream in;
        if (bytes == null && spilled == null && !sourceUsed) {
          sourceUsed = true;
          in =
              new FilterInputStream(source) {
                @Override
                public void close() {
                  // the tar stream is the walker's
                }
              };
        } else {
          materialize();
          in = bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(spilled);
        }
        opened.add(in);
        return in;
      }

      @Override
      public SeekableByteChannel channel() throws IOException {
        materialize();
        SeekableByteChannel ch =
            bytes != null
                ? new SeekableInMemoryByteChannel(bytes)
                : Files.newByteChannel(spilled, StandardOpenOption.READ);
        opened.add(ch);
        return ch;
      }

      @Override
      public Path file() throws IOException {
        return spillToFile();
      }
    };
  }

  /** An input stream over the content for code that is not an analyzer (tests). */
  InputStream asStream() throws IOException {
    return Channels.newInputStream(input().channel());
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Closeable c : opened) {
      try {
        c.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    opened.clear();
    bytes = null;
    if (spilled != null) {
      spill.release(spilled);
      spilled = null;
    }
    if (first != null) {
      throw first;
    }
  }
}
