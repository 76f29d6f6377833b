package dev.sekisho.scanner.artifact;

import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;

/**
 * Hears how an inspection advances, e.g. to draw progress in the CLI. Called from worker threads;
 * implementations must be thread-safe and quick.
 */
public interface ProgressListener {

  /** The manifest and config were read; {@code facts.layers()} lists what will be processed. */
  default void resolved(ImageFacts facts) {}

  /** A layer's results came from the cache: it will not be fetched. */
  default void layerCached(int index, LayerInfo layer) {}

  /** A layer starts to be fetched and walked. */
  default void layerStarted(int index, LayerInfo layer) {}

  /** Raw (compressed) bytes of a layer read so far; called about every MiB. */
  default void layerProgress(int index, LayerInfo layer, long bytesRead) {}

  /** A layer was fetched, verified and walked. */
  default void layerFinished(int index, LayerInfo layer) {}

  /** Hears nothing. */
  ProgressListener NONE = new ProgressListener() {};
}
