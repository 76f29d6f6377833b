package dev.sekisho.scanner.layer;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.model.ScanWarning;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one walk of one layer recorded: the analyzers' results per path, and what the layer does to
 * the file system below it. Paths have no leading slash. Cached per layer digest (see {@code
 * dev.sekisho.scanner.cache}); the applier merges a stack of these.
 *
 * @param digest the layer's digest (the key it was read by)
 * @param files analysed path → the combined results of every analyzer that read it (empty results
 *     are not kept)
 * @param whiteouts paths this layer deletes from the layers below ({@code .wh.NAME} entries)
 * @param opaqueDirs directories whose lower content this layer hides ({@code .wh..wh..opq})
 * @param writtenFiles every non-directory path this layer writes (regular files, symlinks,
 *     hardlinks, devices): each hides whatever lower layers had at that path and below it
 * @param writtenDirs every directory this layer writes: each hides a lower non-directory at that
 *     exact path, but merges with a lower directory
 * @param warnings problems met in this layer that did not fail it (an analyzer that threw, a
 *     hardlink to a missing file)
 * @param limited whether a file was left unanalysed because of a local {@link SpillLimits limit}:
 *     the result then depends on this scan's limits, not only on the layer, and is not cached
 * @param symlinks every symbolic link this layer writes: path → link target as written (relative to
 *     the link's directory, or absolute from the image root); the applier resolves package
 *     databases reached through them (see {@code dev.sekisho.scanner.applier.SymlinkResolver})
 */
public record LayerResult(
    String digest,
    Map<String, AnalysisResult> files,
    List<String> whiteouts,
    List<String> opaqueDirs,
    List<String> writtenFiles,
    List<String> writtenDirs,
    List<ScanWarning> warnings,
    boolean limited,
    Map<String, String> symlinks) {

  /** A result within every limit, without symbolic links. */
  public LayerResult(
      String digest,
      Map<String, AnalysisResult> files,
      List<String> whiteouts,
      List<String> opaqueDirs,
      List<String> writtenFiles,
      List<String> writtenDirs,
      List<ScanWarning> warnings) {
    this(digest, files, whiteouts, opaqueDirs, writtenFiles, writtenDirs, warnings, false, null);
  }

  public LayerResult {
    files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    whiteouts = whiteouts == null ? List.of() : List.copyOf(whiteouts);
    opaqueDirs = opaqueDirs == null ? List.of() : List.copyOf(opaqueDirs);
    writtenFiles = writtenFiles == null ? List.of() : List.copyOf(writtenFiles);
    writtenDirs = writtenDirs == null ? List.of() : List.copyOf(writtenDirs);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    symlinks =
        symlinks == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(symlinks));
  }
}
