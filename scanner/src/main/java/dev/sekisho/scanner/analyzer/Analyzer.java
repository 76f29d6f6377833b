package dev.sekisho.scanner.analyzer;

import java.io.IOException;

/**
 * Reads one kind of file. The core walks each layer once, asks every analyzer whether it wants a
 * file ({@link #required}, cheap and pure: no I/O), and hands the wanted files' contents to {@link
 * #analyze}. The core owns the I/O and closes the streams; an analyzer only parses.
 *
 * <p>Analyzers are registered in one explicit list ({@link
 * dev.sekisho.scanner.analyzer.list.Analyzers}). Results are cached per layer, keyed by layer
 * digest plus every analyzer's {@link #name()} and {@link #version()}: bump the version whenever
 * the output for the same input changes.
 */
public interface Analyzer {

  /** Stable short name, e.g. "dpkg". */
  String name();

  /** Version of this analyzer's output; part of the layer cache key. */
  int version();

  /**
   * Whether this analyzer wants the file.
   *
   * @param path path in the image without a leading slash, e.g. "var/lib/dpkg/status"
   * @param info size and mode of the file
   */
  boolean required(String path, FileInfo info);

  /**
   * Parses one file. Must not close the input's stream. A file that cannot be fully parsed yields
   * what could be read plus a warning in the result, not an exception; an {@link IOException} is
   * only for failures to read the stream itself.
   */
  AnalysisResult analyze(AnalysisInput input) throws IOException;
}
