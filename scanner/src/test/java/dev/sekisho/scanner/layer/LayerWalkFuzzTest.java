package dev.sekisho.scanner.layer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the walk of one layer blob (gzip, zstd or plain tar): any bytes give a layer result or an
 * {@link IOException}, and an analyzer reading the files never sees a runtime exception from the
 * walker's streams and channels.
 */
class LayerWalkFuzzTest {
  private static final int MAX_INPUT = 64 << 10;

  /**
   * The whole walk, with an analyzer that wants every file and reads half of them as a stream and
   * half through a channel, as real analyzers do.
   */
  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void layerWalk(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    LayerWalker walker = new LayerWalker(List.of(new ReadsEverything()), 1024, null);
    try {
      walker.walk("sha256:fuzz", () -> new ByteArrayInputStream(data));
    } catch (IOException expected) {
      // a malformed layer fails its walk with a message
    }
  }

  /** Wants every file; reads even-sized ones as a stream and the others through a channel. */
  private static final class ReadsEverything implements Analyzer {
    @Override
    public String name() {
      return "reads-everything";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean required(String path, FileInfo info) {
      return true;
    }

    @Override
    public AnalysisResult analyze(AnalysisInput input) throws IOException {
      try {
        if (input.info().size() % 2 == 0) {
          input.stream().transferTo(java.io.OutputStream.nullOutputStream());
        } else {
          SeekableByteChannel ch = input.channel();
          ByteBuffer buf = ByteBuffer.allocate(4096);
          while (ch.read(buf) >= 0) {
            buf.clear();
          }
        }
      } catch (RuntimeException e) {
        // the walker turns an analyzer's runtime exception into a warning; here it is a finding
        throw new AssertionError("reading " + input.path() + " failed", e);
      }
      return AnalysisResult.EMPTY;
    }
  }
}
