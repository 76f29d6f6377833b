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
 * upper layer touched its path, whether or not any analyzer wanted the upper version. {@link
 * #mergeAll} also returns the analysed files an upper layer removed without putting an analysed
 * file back at the same path (deleted, hidden, or replaced by a file no analyzer found anything
 * in), so that a deleted package database can be reported.
 */
public final class LayerMerger {
  private LayerMerger() {}

  /** One analysed file of the final file system and the layer its content comes from. */
  public record MergedFile(String path, String layerDigest, AnalysisResult result) {}

  /**
   * An analysed file of a lower layer that is not in the final file system, and the last layer that
   * removed it.
   *
   * @param file the file as its layer analysed it
   * @param removedBy digest of the layer that deleted, hid or replaced it
   */
  public record Removed(MergedFile file, String removedBy) {}

  /**
   * The merged file system.
   *
   * @param files the analysed files of the final file system, sorted by path
   * @param removed analysed files of lower layers whose path holds no analysed file at the end,
   *     sorted by path
   */
  public record Merged(List<MergedFile> files, List<Removed> removed) {
    public Merged {
      files = List.copyOf(files);
      removed = List.copyOf(removed);
    }
  }

  /**
   * Merges layers.
   *
   * @param layers per-layer results, bottom-up
   * @return the analysed files of the final file system, sorted by path
   */
  public static List<MergedFile> merge(List<LayerResult> layers) {
    return mergeAll(layers).files();
  }

  /**
   * Merges layers, and keeps what upper layers removed.
   *
   * @param layers per-layer results, bottom-up
   */
  public static Merged mergeAll(List<LayerResult> layers) {
    TreeMap<String, MergedFile> current = new TreeMap<>();
    TreeMap<String, Removed> removed = new TreeMap<>();
    for (LayerResult layer : layers) {
      String by = layer.digest();
      for (String dir : layer.opaqueDirs()) {
        remove(below(current, dir), removed, by);
      }
      for (String path : layer.whiteouts()) {
        remove(current, path, removed, by);
        remove(below(current, path), removed, by);
      }
      for (String path : layer.writtenFiles()) {
        remove(current, path, removed, by);
        remove(below(current, path), removed, by);
      }
      for (String dir : layer.writtenDirs()) {
        remove(current, dir, removed, by);
      }
      layer
          .files()
          .forEach(
              (path, result) -> {
                current.put(path, new MergedFile(path, layer.digest(), result));
                removed.remove(path);
              });
    }
    return new Merged(new ArrayList<>(current.values()), new ArrayList<>(removed.values()));
  }

  private static void remove(
      TreeMap<String, MergedFile> current,
      String path,
      TreeMap<String, Removed> removed,
      String by) {
    MergedFile gone = current.remove(path);
    if (gone != null) {
      removed.put(path, new Removed(gone, by));
    }
  }

  private static void remove(
      NavigableMap<String, MergedFile> range, TreeMap<String, Removed> removed, String by) {
    if (range.isEmpty()) {
      return;
    }
    for (MergedFile gone : range.values()) {
      removed.put(gone.path(), new Removed(gone, by));
    }
    range.clear();
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
