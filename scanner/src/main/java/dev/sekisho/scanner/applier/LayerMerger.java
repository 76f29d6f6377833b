package dev.sekisho.scanner.applier;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.layer.LayerResult;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Merges per-layer results into what the final file system holds, the way an overlay file system
 * (and Docker's layer applier) stacks layers. A pure function: no I/O, no state.
 *
 * <p>For each layer, bottom-up, before its own results are added:
 *
 * <ol>
 *   <li>each opaque directory hides everything lower layers put below it;
 *   <li>each whiteout deletes the lower path and everything below it;
 *   <li>each non-directory the layer writes replaces the lower path and everything below it (a file
 *       over a directory hides the directory);
 *   <li>each directory the layer writes replaces a lower non-directory at that exact path, and
 *       merges with a lower directory.
 * </ol>
 *
 * Then the layer's analysed files are added. A lower file's results therefore survive only when no
 * upper layer touched its path, whether or not any analyzer wanted the upper version.
 */
public final class LayerMerger {
  private LayerMerger() {}

  /** One analysed file of the final file system and the layer its content comes from. */
  public record MergedFile(String path, String layerDigest, AnalysisResult result) {}

  /**
   * Merges layers.
   *
   * @param layers per-layer results, bottom-up
   * @return the analysed files of the final file system, sorted by path
   */
  public static List<MergedFile> merge(List<LayerResult> layers) {
    TreeMap<String, MergedFile> current = new TreeMap<>();
    for (LayerResult layer : layers) {
      for (String dir : layer.opaqueDirs()) {
        below(current, dir).clear();
      }
      for (String path : layer.whiteouts()) {
        current.remove(path);
        below(current, path).clear();
      }
      for (String path : layer.writtenFiles()) {
        current.remove(path);
        below(current, path).clear();
      }
      for (String dir : layer.writtenDirs()) {
        current.remove(dir);
      }
      layer
          .files()
          .forEach(
              (path, result) -> current.put(path, new MergedFile(path, layer.digest(), result)));
    }
    return new ArrayList<>(current.values());
  }

  /** The entries strictly below a directory ("" is the root). */
  private static NavigableMap<String, MergedFile> below(
      TreeMap<String, MergedFile> map, String dir) {
    if (dir.isEmpty()) {
      return map;
    }
    // '0' is the character after '/', so this range is exactly the paths starting with dir + "/".
    return map.subMap(dir + "/", true, dir + "0", false);
  }
}
