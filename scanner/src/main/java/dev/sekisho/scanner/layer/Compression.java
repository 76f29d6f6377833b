package dev.sekisho.scanner.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Layer compression, detected from the first bytes rather than trusted from the media type. */
public enum Compression {
  GZIP,
  ZSTD,
  NONE;

  private static final int BUFFER = 1 << 16;

  /** Detects the compression of a stream that supports mark/reset, leaving it unread. */
  public static Compression detect(InputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /**
   * Wraps a raw layer stream with the decompressor its magic bytes call for. Closing the result
   * closes {@code raw}.
   */
  public static InputStream decompress(InputStream raw) throws IOException {
    InputStream buffered = new BufferedInputStream(raw, BUFFER);
    return switch (detect(buffered)) {
      // GZIPInputStream reads concatenated members, as layers written in parallel may have.
      case GZIP -> new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
      case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(buffered), BUFFER);
      case NONE -> buffered;
    };
  }
}
