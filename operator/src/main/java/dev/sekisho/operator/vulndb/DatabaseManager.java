package dev.sekisho.operator.vulndb;

import dev.sekisho.operator.OperatorConfig;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the operator's vulnerability database: opens the one in the store at start, then refreshes
 * it on a schedule from the configured sources (OSV archive URLs or directories) or, for air-gapped
 * clusters, from the admin-provided bundle directory, adding the configured enrichment feeds (CISA
 * KEV catalogue, NVD CVSS feeds) either way; after each refresh it swaps the new database into the
 * {@link DatabaseHolder} and re-matches every stored inventory, so a new advisory for an already
 * deployed image shows up without a rescan.
 *
 * <p>The scanner's updater builds into a temporary file and renames it, so a crashed update leaves
 * the previous database in place; the old database stays open until the swap and is closed after it
 * (an open SQLite handle keeps reading the replaced file).
 */
public final class DatabaseManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseManager.class);

  private final Path dir;
  private final SourcesConfig sources;
  private final Path bundleDir;
  private final Duration interval;
  private final DatabaseHolder holder;
  private final DatabaseUpdater updater;
  private final Supplier<Optional<Rematcher>> rematcher;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("vulndb-update").factory());
  private LocalDatabase current;

  /**
   * @param rematcher gives the re-matcher once the operator runs (empty before)
   */
  public DatabaseManager(
      OperatorConfig config,
      DatabaseHolder holder,
      DatabaseUpdater updater,
      Supplier<Optional<Rematcher>> rematcher) {
    this.dir = config.storeDir().resolve("vulndb");
    this.interval = config.dbUpdateInterval();
    this.holder = holder;
    this.updater = updater;
    this.rematcher = rematcher;
    this.bundleDir = config.dbBundle();
    this.sources = sources(config.dbSources()).withKev(config.dbKev()).withCvss(config.dbCvss());
  }

  /** The sources: URLs are OSV archive base URLs, anything else a file or directory of OSV data. */
  static SourcesConfig sources(List<String> configured) {
    if (configured.isEmpty()) {
      return SourcesConfig.defaults();
    }
    URI base = null;
    List<Path> paths = new ArrayList<>();
    for (String s : configured) {
      if (s.startsWith("http://") || s.startsWith("https://")) {
        if (base != null) {
          throw new IllegalArgumentException(
              "SEKISHO_DB_SOURCES: only one OSV base URL is supported, got " + base + " and " + s);
        }
        base = URI.create(s);
      } else {
        paths.add(Path.of(s));
      }
    }
    return new SourcesConfig(
        base,
        base == null ? List.of() : SourcesConfig.DEFAULT_ECOSYSTEMS,
        paths,
        null,
        List.of(),
        null);
  }

  /** Opens the stored database, if any, and schedules the refreshes (the first one now). */
  public void start() {
    if (Files.isRegularFile(VulnDatabase.databaseFile(dir))) {
      try {
        swapIn(LocalDatabase.open(dir));
        LOG.info("vulnerability database opened dir={}", dir);
      } catch (IOException e) {
        LOG.warn(
            "stored vulnerability database unusable, will rebuild dir={} error={}",
            dir,
            e.getMessage());
      }
    }
    scheduler.scheduleWithFixedDelay(
        this::refreshLogged, 0, interval.toSeconds(), TimeUnit.SECONDS);
  }

  private void refreshLogged() {
    try {
      refresh();
    } catch (Exception e) {
      LOG.error("vulnerability database update failed; keeping the previous one: {}", e.toString());
    }
  }

  /** One refresh: update or import, open, swap, re-match. */
  public synchronized void refresh() throws IOException {
    Files.createDirectories(dir);
    if (bundleDir != null) {
      List<Path> files;
      try (Stream<Path> list = Files.list(bundleDir)) {
        files = list.filter(Files::isRegularFile).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IOException("the database bundle directory " + bundleDir + " holds no files");
      }
      // the bundle's OSV files, with the configured KEV and CVSS feeds (local paths in an
      // air-gapped cluster)
      updater.update(
          SourcesConfig.local(files).withKev(sources.kev()).withCvss(sources.cvss()),
          dir,
          msg -> LOG.debug("vulndb import {}", msg));
    } else {
      updater.update(sources, dir, msg -> LOG.debug("vulndb update {}", msg));
    }
    swapIn(LocalDatabase.open(dir));
    LOG.info(
        "vulnerability database updated dir={} built={}",
        dir,
        current.database().orElseThrow().built());
    Optional<Rematcher> r = rematcher.get();
    if (r.isPresent()) {
      Rematcher.Pass pass = r.get().run();
      LOG.info(
          "re-matched stored inventories rematched={} changed={} removed={} failed={}",
          pass.rematched(),
          pass.changed(),
          pass.removed(),
          pass.failed());
    }
  }

  private void swapIn(LocalDatabase loaded) {
    holder.swap(loaded);
    LocalDatabase old = current;
    current = loaded;
    if (old != null) {
      // scans that started on the old database finish on it: close it a while later
      scheduler.schedule(
          () -> {
            try {
              old.close();
            } catch (IOException e) {
              LOG.debug("closing the previous database failed: {}", e.toString());
            }
          },
          2,
          TimeUnit.MINUTES);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        LOG.debug("closing the database failed: {}", e.toString());
      }
    }
  }
}
