package dev.sekisho.scanner.cache;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.layer.LayerResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LayerCache} in a directory: one gzip'd JSON file per layer and analyzer set, at {@code
 * DIR/ALGORITHM/HEX/KEY.json.gz} where KEY hashes the sorted analyzer {@code name:version} list.
 *
 * <p>Writes go to a temporary file in the same directory and are renamed into place, so readers
 * never see half a file and concurrent scans may share the directory. An entry that cannot be read
 * (corrupt, truncated, another format, another key) is deleted and treated as a miss; it is then
 * written again by the scan that missed.
 */
public final class FileLayerCache implements LayerCache {
  private static final Logger LOG = LoggerFactory.getLogger(FileLayerCache.class);

  /**
   * Bump when the stored format changes incompatibly. 2: layers record their symbolic links (an
   * entry of format 1 has none, which would hide package databases reached through one).
   */
  static final int FORMAT = 2;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path dir;

  /** Stored form: the key is kept inside to detect collisions and misplaced files. */
  record Entry(int format, String layer, String analyzers, LayerResult result) {}

  public FileLayerCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The default cache directory: {@code $XDG_CACHE_HOME/sekisho/layers}, else {@code
   * ~/.cache/sekisho/layers}.
   */
  public static Path defaultDirectory(Map<String, String> env, String home) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".cache");
    return base.resolve("sekisho").resolve("layers");
  }

  /** The cache directory. */
  public Path directory() {
    return dir;
  }

  /** The file an entry lives in. */
  Path file(String layerDigest, List<Analyzer> analyzers) {
    Digest d = Digest.parse(layerDigest);
    String key = LayerCache.analyzersKey(analyzers);
    String keyHash =
        Digest.sha256(("v" + FORMAT + "|" + key).getBytes(StandardCharsets.UTF_8))
            .hex()
            .substring(0, 24);
    return dir.resolve(d.algorithm()).resolve(d.hex()).resolve(keyHash + ".json.gz");
  }

  @Override
  public Optional<LayerResult> get(String layerDigest, List<Analyzer> analyzers) {
    Path file;
    try {
      file = file(layerDigest, analyzers);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String key = LayerCache.analyzersKey(analyzers);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      Entry entry = JSON.readValue(in, Entry.class);
      if (entry.format() != FORMAT
          || !layerDigest.equals(entry.layer())
          || !key.equals(entry.analyzers())
          || entry.result() == null
          || !layerDigest.equals(entry.result().digest())) {
        throw new IOException("the entry is for another key or format");
      }
      LOG.debug("layer cache hit layer={}", layerDigest);
      return Optional.of(entry.result());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable layer cache entry file={} error={}", file, e.toString());
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // it will be overwritten
      }
      return Optional.empty();
    }
  }

  /**
   * Gzip at its fastest level: entries are written on every cold scan, inside its time, and the
   * JSON of a layer of tens of thousands of files compresses nearly as well at level 1 as at the
   * default 6, at a fraction of the CPU.
   */
  private static OutputStream fastGzip(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  @Override
  public void put(String layerDigest, List<Analyzer> analyzers, LayerResult result) {
    Path file;
    try {
      file = file(layerDigest, analyzers);
    } catch (IllegalArgumentException e) {
      LOG.debug("not caching layer with unusable digest {}", layerDigest);
      return;
    }
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent());
      tmp = Files.createTempFile(file.getParent(), ".tmp-", ".json.gz");
      try (OutputStream out = fastGzip(Files.newOutputStream(tmp))) {
        JSON.writeValue(
            out, new Entry(FORMAT, layerDigest, LayerCache.analyzersKey(analyzers), result));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // A cache that cannot be written only costs time.
      LOG.warn("cannot write layer cache entry file={} error={}", file, e.toString());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
