package dev.sekisho.scanner.cache;

import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.AnalyzerLimits;
import dev.sekisho.scanner.layer.LayerResult;
import java.util.List;
import java.util.Optional;

/**
 * Per-layer analysis results, keyed by layer digest plus the analyzers' names and versions: a new
 * analyzer version is a new key, so bumping {@link Analyzer#version()} invalidates old entries.
 */
public interface LayerCache {

  /** The cached result of a layer for exactly these analyzers, if present and readable. */
  Optional<LayerResult> get(String layerDigest, List<Analyzer> analyzers);

  /** Stores a layer's result (only results of fully verified layers may be stored). */
  void put(String layerDigest, List<Analyzer> analyzers, LayerResult result);

  /** A cache that stores nothing. */
  LayerCache NONE =
      new LayerCache() {
        @Override
        public Optional<LayerResult> get(String layerDigest, List<Analyzer> analyzers) {
          return Optional.empty();
        }

        @Override
        public void put(String layerDigest, List<Analyzer> analyzers, LayerResult result) {}
      };

  /**
   * The analyzer part of the key: sorted {@code name:version}, comma-separated, then the analyzer
   * limits when they are not the defaults ({@link AnalyzerLimits#cacheKey()}).
   */
  static String analyzersKey(List<Analyzer> analyzers) {
    return String.join(
            ",", analyzers.stream().map(a -> a.name() + ":" + a.version()).sorted().toList())
        + AnalyzerLimits.cacheKey();
  }
}
