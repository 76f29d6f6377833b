package dev.sekisho.scanner.artifact;

import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.list.Analyzers;
import dev.sekisho.scanner.cache.FileLayerCache;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.registry.RegistryOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * How to inspect an image.
 *
 * @param platform platform to pick from an index (default linux/amd64)
 * @param registry registry access: credentials, CAs, plain HTTP, retries
 * @param analyzers analyzers to run (default {@link Analyzers#all()})
 * @param cacheDir layer cache directory, or null for no cache
 * @param parallelism layers fetched and walked at once (at least 1)
 * @param progress progress listener
 * @param tempDir where large files are spilled for analyzers that need random access, or null for
 *     the system temporary directory
 */
public record InspectOptions(
    Platform platform,
    RegistryOptions registry,
    List<Analyzer> analyzers,
    Path cacheDir,
    int parallelism,
    ProgressListener progress,
    Path tempDir) {

  public InspectOptions {
    platform = platform == null ? Platform.DEFAULT : platform;
    registry = registry == null ? RegistryOptions.defaults() : registry;
    analyzers = analyzers == null ? Analyzers.all() : List.copyOf(analyzers);
    parallelism = parallelism < 1 ? defaultParallelism() : parallelism;
    progress = progress == null ? ProgressListener.NONE : progress;
  }

  /** min(4, available processors). */
  public static int defaultParallelism() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Defaults: linux/amd64, {@link RegistryOptions#defaults()}, every analyzer, the cache at {@code
   * $XDG_CACHE_HOME/sekisho/layers} (else {@code ~/.cache/sekisho/layers}), min(4, cores) layers at
   * once, no progress output.
   */
  public static InspectOptions defaults() {
    return new InspectOptions(
        Platform.DEFAULT,
        RegistryOptions.defaults(),
        Analyzers.all(),
        FileLayerCache.defaultDirectory(System.getenv(), System.getProperty("user.home")),
        defaultParallelism(),
        ProgressListener.NONE,
        null);
  }

  public InspectOptions withPlatform(Platform p) {
    return new InspectOptions(p, registry, analyzers, cacheDir, parallelism, progress, tempDir);
  }

  public InspectOptions withRegistry(RegistryOptions r) {
    return new InspectOptions(platform, r, analyzers, cacheDir, parallelism, progress, tempDir);
  }

  public InspectOptions withAnalyzers(List<Analyzer> a) {
    return new InspectOptions(platform, registry, a, cacheDir, parallelism, progress, tempDir);
  }

  /** With a cache directory; null disables the cache. */
  public InspectOptions withCacheDir(Path dir) {
    return new InspectOptions(platform, registry, analyzers, dir, parallelism, progress, tempDir);
  }

  public InspectOptions withParallelism(int n) {
    return new InspectOptions(platform, registry, analyzers, cacheDir, n, progress, tempDir);
  }

  public InspectOptions withProgress(ProgressListener l) {
    return new InspectOptions(platform, registry, analyzers, cacheDir, parallelism, l, tempDir);
  }

  public InspectOptions withTempDir(Path dir) {
    return new InspectOptions(platform, registry, analyzers, cacheDir, parallelism, progress, dir);
  }
}
