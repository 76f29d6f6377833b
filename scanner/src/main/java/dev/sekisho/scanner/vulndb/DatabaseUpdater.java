package dev.sekisho.scanner.vulndb;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the database from its sources: {@code sekisho db update} ({@link #update}) and {@code
 * sekisho db import} ({@link #importFrom}).
 *
 * <p>Atomic: the new database is built into a temporary file in the database directory, fsynced and
 * renamed over {@code vulndb.sqlite}; a crash or an error at any point leaves the previous database
 * as it was (and the temporary file is removed; one left by a killed run is removed by the next
 * run, which holds the directory's lock, so it cannot be another run's). Resumable: downloads go to
 * {@code <dir>/cache} with their ETag and sha256, so a re-run after a failure re-uses what it
 * already has and asks the server only for what changed. One update runs at a time per directory
 * ({@code <dir>/.lock}).
 */
public final class DatabaseUpdater {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseUpdater.class);

  /**
   * A new database with fewer advisories than this share of the current one's is refused unless
   * shrinking is allowed ({@link #allowShrink}): a source that lost most of its records is far
   * likelier a broken mirror or a wrong path than a real change.
   */
  public static final double SHRINK_LIMIT = 0.5;

  private final HttpClient http;
  private final Clock clock;
  private final boolean allowShrink;

  /** An updater with its own HTTP client (redirects followed) and the system clock. */
  public DatabaseUpdater() {
    this(
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build(),
        Clock.systemUTC());
  }

  public DatabaseUpdater(HttpClient http, Clock clock) {
    this(http, clock, false);
  }

  private DatabaseUpdater(HttpClient http, Clock clock, boolean allowShrink) {
    this.http = http;
    this.clock = clock;
    this.allowShrink = allowShrink;
  }

  /**
   * This updater, allowed (or not) to replace a database with one of fewer than {@link
   * #SHRINK_LIMIT} of its advisories ({@code --allow-shrink}). An empty database is never allowed.
   */
  public DatabaseUpdater allowShrink(boolean allow) {
    return new DatabaseUpdater(http, clock, allow);
  }

  /**
   * Fetches and compiles all sources of {@code config} into the database in {@code dir}.
   *
   * @param progress receives one line per step ("fetching …", "read 1234 records from …")
   * @return the new database's metadata
   * @throws IOException naming the source or file that failed; the old database stays in place
   */
  public DatabaseInfo update(SourcesConfig config, Path dir, Consumer<String> progress)
      throws IOException {
    Files.createDirectories(dir);
    try (FileChannel lockFile =
            FileChannel.open(
                dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = tryLock(lockFile, dir)) {
      removeAbandonedBuilds(dir);
      return build(config, dir, progress);
    }
  }

  /**
   * Deletes the temporary files of builds that were killed before they could remove them (each can
   * be as large as a whole database). Called with the directory's lock held: no build is running.
   */
  private static void removeAbandonedBuilds(Path dir) throws IOException {
    String prefix = Schema.FILE_NAME + ".tmp-";
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        Files.deleteIfExists(f);
        LOG.info("removed the temporary file of an interrupted database build file={}", f);
      }
    }
  }

  /**
   * Compiles local OSV files or directories (and nothing else) into the database in {@code dir}.
   */
  public DatabaseInfo importFrom(List<Path> paths, Path dir, Consumer<String> progress)
      throws IOException {
    if (paths.isEmpty()) {
      throw new IOException(
          "nothing to import: give at least one OSV zip, directory or .json file");
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new IOException("cannot import " + p + ": no such file or directory");
      }
    }
    return update(SourcesConfig.local(paths), dir, progress);
  }

  private static FileLock tryLock(FileChannel ch, Path dir) throws IOException {
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new IOException("another database update is running in " + dir);
      }
      return lock;
    } catch (OverlappingFileLockException e) {
      throw new IOException("another database update is running in " + dir, e);
    }
  }

  private DatabaseInfo build(SourcesConfig config, Path dir, Consumer<String> progress)
      throws IOException {
    ArchiveCache cache =
        new ArchiveCache(dir.resolve("cache"), http, ArchiveCache.Limits.fromSystemProperties());
    // fetch first: a network failure must not cost a half-built file
    List<LoadedSource> osv = new ArrayList<>();
    if (config.osvBaseUrl() != null) {
      for (String eco : config.ecosystems()) {
        URI url = archiveUrl(config.osvBaseUrl(), eco);
        progress.accept("fetching " + url);
        ArchiveCache.Cached c = cache.fetch(url, "osv-" + safeName(eco) + ".zip");
        osv.add(new LoadedSource(url.toString(), c.file(), c.digest(), c.etag()));
      }
    }
    List<LoadedSource> kevs = new ArrayList<>();
    List<LoadedSource> cvss = new ArrayList<>();
    List<LoadedSource> epss = new ArrayList<>();
    int bundles = 0;
    for (Path p : config.osvPaths()) {
      if (DatabaseBundle.isBundle(p)) {
        progress.accept("verifying bundle " + p);
        Path into = dir.resolve("cache").resolve("bundle-" + bundles++);
        for (DatabaseBundle.Extracted e : DatabaseBundle.extract(p, into)) {
          LoadedSource s =
              new LoadedSource(e.entry().location(), e.file(), e.entry().sha256(), null);
          switch (e.entry().kind()) {
            case "osv" -> osv.add(s);
            case "kev" -> kevs.add(s);
            case "epss" -> epss.add(s);
            default -> cvss.add(s);
          }
        }
      } else {
        osv.add(new LoadedSource(p.toString(), p, ArchiveCache.digest(p), null));
      }
    }
    if (config.kev() != null) {
      kevs.add(load(cache, config.kev(), "kev.json", progress));
    }
    if (config.epss() != null) {
      epss.add(load(cache, config.epss(), "epss.csv", progress));
    }
    for (int i = 0; i < config.cvss().size(); i++) {
      cvss.add(load(cache, config.cvss().get(i), "cvss-" + i + ".json", progress));
    }
    long previous = previousAdvisories(dir);

    Path tmp =
        dir.resolve(
            Schema.FILE_NAME + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      try (DatabaseBuilder b = DatabaseBuilder.create(tmp)) {
        for (LoadedSource s : osv) {
          long before = b.advisories();
          OsvReader.Counts counts = OsvReader.read(s.file(), b::add);
          progress.accept(
              "read "
                  + counts.records()
                  + " OSV records from "
                  + s.location()
                  + (counts.errors() > 0 ? " (" + counts.errors() + " unreadable, skipped)" : ""));
          b.addSource(
              new DatabaseInfo.Source(
                  "osv", s.location(), s.digest(), b.advisories() - before, s.etag()));
        }
        for (LoadedSource kev : kevs) {
          List<String> ids = EnrichmentFeeds.kevIds(kev.file());
          b.addKnownExploited(ids);
          progress.accept("read " + ids.size() + " known-exploited ids from " + kev.location());
          b.addSource(
              new DatabaseInfo.Source("kev", kev.location(), kev.digest(), ids.size(), kev.etag()));
        }
        for (LoadedSource s : epss) {
          EnrichmentFeeds.Epss feed = EnrichmentFeeds.epss(s.file());
          b.addEpss(feed.rows());
          progress.accept(
              "read EPSS scores of "
                  + feed.rows().size()
                  + " CVEs ("
                  + feed.modelVersion()
                  + ", "
                  + feed.scoreDate()
                  + ") from "
                  + s.location());
          b.addSource(
              new DatabaseInfo.Source(
                  "epss", s.location(), s.digest(), feed.rows().size(), s.etag()));
        }
        for (LoadedSource s : cvss) {
          long n = 0;
          for (Path f : EnrichmentFeeds.files(s.file())) {
            for (EnrichmentFeeds.CvssRow row : EnrichmentFeeds.nvdCvss(f)) {
              b.addCvss(row.cve(), row.vector(), row.score());
              n++;
            }
          }
          progress.accept("read CVSS data for " + n + " CVEs from " + s.location());
          b.addSource(new DatabaseInfo.Source("cvss", s.location(), s.digest(), n, s.etag()));
        }
        refuseEmptyOrShrunk(b.advisories(), previous, osv, dir);
        b.finish(clock.instant());
      }
      fsync(tmp);
      Path target = VulnDatabase.databaseFile(dir);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      DatabaseInfo info = db.info();
      progress.accept(
          "vulnerability database updated: " + info.advisories() + " advisories in " + info.path());
      LOG.info("database updated dir={} advisories={}", dir, info.advisories());
      return info;
    }
  }

  private record LoadedSource(String location, Path file, String digest, String etag) {}

  /** The advisories of the database in {@code dir}, or -1 when there is none or it is unusable. */
  private static long previousAdvisories(Path dir) {
    if (!Files.isRegularFile(VulnDatabase.databaseFile(dir))) {
      return -1;
    }
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      return db.info().advisories();
    } catch (IOException e) {
      LOG.info(
          "the current database will be replaced, it is unusable dir={} error={}",
          dir,
          e.getMessage());
      return -1;
    }
  }

  private void refuseEmptyOrShrunk(long advisories, long previous, List<LoadedSource> osv, Path dir)
      throws IOException {
    if (advisories == 0) {
      throw new DatabaseRefusedException(
          DatabaseRefusedException.Reason.EMPTY,
          advisories,
          previous,
          "the new vulnerability database would hold no advisories (read "
              + osv.stream().map(LoadedSource::location).toList()
              + ": no record with an ECOSYSTEM or SEMVER range or a version list for a package):"
              + (previous > 0
                  ? " keeping the current one in " + dir
                  : " no database written in " + dir));
    }
    if (previous > 0 && advisories < previous * SHRINK_LIMIT && !allowShrink) {
      throw new DatabaseRefusedException(
          DatabaseRefusedException.Reason.SHRINK,
          advisories,
          previous,
          "the new vulnerability database would hold "
              + advisories
              + " advisories, fewer than half of the "
              + previous
              + " in the current one ("
              + VulnDatabase.databaseFile(dir)
              + "): keeping the current one; check the sources "
              + osv.stream().map(LoadedSource::location).toList()
              + ", or replace it anyway with --allow-shrink");
    }
  }

  private LoadedSource load(
      ArchiveCache cache, String location, String cacheName, Consumer<String> progress)
      throws IOException {
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      progress.accept("fetching " + location);
      String name = lower.endsWith(".gz") ? cacheName + ".gz" : cacheName;
      ArchiveCache.Cached c = cache.fetch(URI.create(location), name);
      return new LoadedSource(location, c.file(), c.digest(), c.etag());
    }
    Path p = Path.of(location);
    if (!Files.exists(p)) {
      throw new IOException("feed " + location + " does not exist");
    }
    return new LoadedSource(location, p, ArchiveCache.digest(p), null);
  }

  /** {@code <base>/<Ecosystem>/all.zip}, the ecosystem URL-encoded ("Red Hat" → "Red%20Hat"). */
  static URI archiveUrl(URI base, String ecosystem) {
    String b = base.toString();
    if (!b.endsWith("/")) {
      b += "/";
    }
    return URI.create(
        b + URLEncoder.encode(ecosystem, StandardCharsets.UTF_8).replace("+", "%20") + "/all.zip");
  }

  private static String safeName(String ecosystem) {
    return ecosystem.replaceAll("[^A-Za-z0-9.]+", "_");
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be opened for fsync; the rename itself is atomic
      LOG.debug("cannot fsync directory {}: {}", dir, e.getMessage());
    }
  }
}
