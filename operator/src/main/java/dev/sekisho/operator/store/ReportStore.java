package dev.sekisho.operator.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.operator.CrashPoint;
import dev.sekisho.scanner.model.ScanReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Full scan reports (inventory and every finding), one gzip-compressed JSON file per key in a
 * directory (a PersistentVolume in a cluster). Nothing is cached in memory: a report is streamed
 * from disk when a ScanResult is evaluated, so memory stays bounded however many results exist.
 * Writes go to a temporary file moved into place atomically, so a crash never leaves half a file;
 * the temporary file of a write that a kill interrupted is removed later ({@link
 * #removeInterruptedWrites}).
 *
 * <p>Files rather than SQLite: the only access patterns are get/put/delete by key and a full scan
 * after a database update, which a directory does without a schema or a native library.
 */
public final class ReportStore {
  /** Keys are {@code namespace/name} of the ScanResult: DNS labels and a slash. */
  private static final Pattern KEY =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$");

  private static final String SUFFIX = ".json.gz";
  private static final String TMP_PREFIX = ".put-";
  private static final String TMP_SUFFIX = ".tmp";

  private final Path dir;
  private final ObjectMapper json;

  public ReportStore(Path dir) {
    this.dir = dir;
    this.json =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the report store directory " + dir, e);
    }
  }

  /** The store key of a ScanResult. */
  public static String key(String namespace, String name) {
    String key = namespace + "/" + name;
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a ScanResult namespace/name: " + key);
    }
    return key;
  }

  public void put(String key, ScanReport report) throws IOException {
    Path target = file(key);
    Path tmp = Files.createTempFile(dir, TMP_PREFIX, TMP_SUFFIX);
    try {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
        json.writeValue(out, report);
      }
      CrashPoint.STORE_WRITE.reach();
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The report under {@code key}, or empty when there is none (or the key is not a valid key). */
  public Optional<ScanReport> get(String key) throws IOException {
    if (key == null || !KEY.matcher(key).matches()) {
      return Optional.empty();
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file(key)))) {
      return Optional.of(json.readValue(in, ScanReport.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IOException("cannot read stored report " + key + ": " + e.getMessage(), e);
    }
  }

  public void delete(String key) throws IOException {
    Files.deleteIfExists(file(key));
  }

  /** When the report under {@code key} was last written; empty when there is none. */
  public Optional<Instant> modified(String key) throws IOException {
    try {
      return Optional.of(Files.getLastModifiedTime(file(key)).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the temporary files of writes that never finished (the process was killed between
   * writing a report and moving it into place) and were last modified before {@code before}, so a
   * write still in progress is left alone.
   *
   * @return how many were deleted
   */
  public int removeInterruptedWrites(Instant before) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.startsWith(TMP_PREFIX)
            && n.endsWith(TMP_SUFFIX)
            && Files.getLastModifiedTime(f).toInstant().isBefore(before)) {
          stale.add(f);
        }
      }
    }
    int deleted = 0;
    for (Path f : stale) {
      if (Files.deleteIfExists(f)) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Every key in the store. */
  public List<String> keys() throws IOException {
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(SUFFIX) && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - SUFFIX.length()).replaceFirst("_", "/"))
          .filter(k -> KEY.matcher(k).matches())
          .sorted()
          .forEach(keys::add);
    }
    return keys;
  }

  private Path file(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a store key: " + key);
    }
    // '_' never occurs in a namespace or a resource name, so it separates them unambiguously.
    return dir.resolve(key.replace('/', '_') + SUFFIX);
  }
}
