package dev.sekisho.scanner.analyzer;

import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * One file handed to an analyzer.
 *
 * <p>Use {@link #stream()} for sequential parsing. Formats that need random access (ELF sections,
 * SQLite or BerkeleyDB files, zip central directories) call {@link #channel()} instead; the core
 * then buffers small files in memory and spills large ones to a private temporary file that it
 * deletes after the analyzer returns. Libraries that can only open a file by name (SQLite) get one
 * from {@link #file()}. Call one of them, once.
 *
 * <p>Temporary copies are limited in size (per file and per scan); over a limit {@link #channel()}
 * and {@link #file()} throw an {@link IOException} that the analyzer lets through, and the core
 * reports the file as not analysed, naming the limit.
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

  /**
   * The file's contents as a private temporary file, for libraries that open files by name. The
   * analyzer must neither change nor delete it; the core deletes it after the analyzer returns.
   */
  java.nio.file.Path file() throws IOException;

  /** The location of this file, for packages and warnings. */
  default Location location() {
    return new Location(layerDigest(), "/" + path());
  }

  /**
   * A warning that this file could not be (fully) parsed, worded "cannot parse PATH in layer
   * DIGEST: DETAIL".
   */
  default ScanWarning cannotParse(String detail) {
    String where = layerDigest() == null ? path() : path() + " in layer " + layerDigest();
    return new ScanWarning(location(), "cannot parse " + where + ": " + detail);
  }
}
