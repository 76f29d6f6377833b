package dev.sekisho.scanner.analyzer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * One file handed to an analyzer.
 *
 * <p>Use {@link #stream()} for sequential parsing. Formats that need random access (ELF sections,
 * SQLite or BerkeleyDB files, zip central directories) call {@link #channel()} instead; the core
 * then buffers small files in memory and spills large ones to a private temporary file that it
 * deletes after the analyzer returns. Call one of the two, once.
 */
public interface AnalysisInput {
  /** Path in the image without a leading slash. */
  String path();

  /** Digest of the layer the file is in, or null when the source has no layers. */
  String layerDigest();

  /** Size and mode. */
  FileInfo info();

  /** The file's contents, read sequentially. Not to be closed by the analyzer. */
  InputStream stream() throws IOException;

  /** The file's contents with random access. Not to be closed by the analyzer. */
  SeekableByteChannel channel() throws IOException;

  /** The location of this file, for packages and warnings. */
  default dev.sekisho.scanner.model.Location location() {
    return new dev.sekisho.scanner.model.Location(layerDigest(), "/" + path());
  }

  /**
   * A warning that this file could not be (fully) parsed, worded "cannot parse PATH in layer
   * DIGEST: DETAIL".
   */
  default dev.sekisho.scanner.model.ScanWarning cannotParse(String detail) {
    String where = layerDigest() == null ? path() : path() + " in layer " + layerDigest();
    return new dev.sekisho.scanner.model.ScanWarning(
        location(), "cannot parse " + where + ": " + detail);
  }
}
