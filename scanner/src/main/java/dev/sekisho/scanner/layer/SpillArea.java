package dev.sekisho.scanner.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary files of one scan: where file contents are copied when an analyzer needs random
 * access, under the {@link SpillLimits}. Thread-safe: the layers of a scan are walked in parallel.
 *
 * <p>Every copy is deleted when its analyzers return; a copy still present when the JVM exits
 * normally or on SIGTERM/SIGINT is deleted by a shutdown hook; and copies left by a killed process
 * ({@code sekisho-spill-*}, and the {@code sekisho-file-*} and {@code sekisho-rpmdb-*} names older
 * versions used) are deleted from the directory when they are older than {@link #STALE}, the first
 * time a scan copies a file there.
 */
final class SpillArea {
  private static final Logger LOG = LoggerFactory.getLogger(SpillArea.class);

  static final String PREFIX = "sekisho-spill-";

  /** A copy lives for as long as the analysis of one file; one this old belongs to no scan. */
  static final Duration STALE = Duration.ofHours(1);

  private static final String STALE_GLOB = "sekisho-{spill,file,rpmdb}-*";

  private final Path dir;
  private final SpillLimits limits;
  private final AtomicLong copied = new AtomicLong();
  private final Map<Path, Long> reserved = new ConcurrentHashMap<>();
  private final Set<String> refusedLayers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean swept = new AtomicBoolean();

  /**
   * @param dir where copies go, or null for the system temporary directory
   */
  SpillArea(Path dir, SpillLimits limits) {
    this.dir = dir;
    this.limits = limits;
  }

  SpillLimits limits() {
    return limits;
  }

  /** Refused because of a {@link SpillLimits limit}: the message says which and how to raise it. */
  static final class RefusedException extends IOException {
    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Reserves {@code size} bytes of the scan's budget and creates an empty private file for them.
   *
   * @throws RefusedException when the file or the scan's total would go over its limit
   */
  Path create(String layerDigest, long size) throws IOException {
    if (size > limits.maxFileBytes()) {
      refusedLayers.add(layerDigest);
      throw new RefusedException(
          "the file is "
              + SpillLimits.describe(size)
              + " ("
              + size
              + " bytes), over the "
              + SpillLimits.describe(limits.maxFileBytes())
              + " limit on copying one file to a temporary file for analysis (raise it with"
              + " -D"
              + SpillLimits.MAX_FILE_PROPERTY
              + "=SIZE, e.g. in SEKISHO_JAVA_OPTS)");
    }
    long total = copied.addAndGet(size);
    if (total > limits.maxTotalBytes()) {
      copied.addAndGet(-size);
      refusedLayers.add(layerDigest);
      throw new RefusedException(
          "copying its "
              + SpillLimits.describe(size)
              + " ("
              + size
              + " bytes) to a temporary file would take this scan's temporary copies over their "
              + SpillLimits.describe(limits.maxTotalBytes())
              + " total limit (raise it with -D"
              + SpillLimits.MAX_TOTAL_PROPERTY
              + "=SIZE, e.g. in SEKISHO_JAVA_OPTS)");
    }
    if (swept.compareAndSet(false, true)) {
      sweepStale(dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir, Instant.now());
    }
    Path file;
    try {
      file =
          dir == null
              ? Files.createTempFile(PREFIX, ".tmp")
              : Files.createTempFile(dir, PREFIX, ".tmp");
    } catch (IOException | RuntimeException e) {
      copied.addAndGet(-size);
      throw e;
    }
    Cleanup.LIVE.add(file);
    reserved.put(file, size);
    return file;
  }

  /**
   * Deletes a file {@link #create} made and gives its bytes back to the scan's budget: the total
   * limit bounds the temporary disk in use at once, not every copy a scan ever made.
   */
  void release(Path file) throws IOException {
    try {
      delete(file);
    } finally {
      Long size = reserved.remove(file);
      if (size != null) {
        copied.addAndGet(-size);
      }
    }
  }

  /** Deletes a file {@link #create} made. */
  static void delete(Path file) throws IOException {
    try {
      Files.deleteIfExists(file);
    } finally {
      Cleanup.LIVE.remove(file);
    }
  }

  /** Whether a file of this layer was refused: its result depends on the limits, not the layer. */
  boolean refusedIn(String layerDigest) {
    return refusedLayers.contains(layerDigest);
  }

  /** Deletes this scanner's temporary files in {@code dir} last modified before now - STALE. */
  static int sweepStale(Path dir, Instant now) {
    FileTime cutoff = FileTime.from(now.minus(STALE));
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, STALE_GLOB)) {
      for (Path f : files) {
        try {
          if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
              && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
            Files.deleteIfExists(f);
            deleted++;
          }
        } catch (IOException e) {
          LOG.debug("cannot delete stale temporary file file={} error={}", f, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list temporary directory dir={} error={}", dir, e.toString());
    }
    if (deleted > 0) {
      LOG.info("deleted stale temporary files dir={} count={}", dir, deleted);
    }
    return deleted;
  }

  /** Files not yet deleted, for the shutdown hook (made on first use). */
  private static final class Cleanup {
    static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    for (Path p : LIVE) {
                      try {
                        Files.deleteIfExists(p);
                      } catch (IOException ignored) {
                        // nothing more can be done while the JVM exits
                      }
                    }
                  },
                  "sekisho-spill-cleanup"));
    }
  }
}
