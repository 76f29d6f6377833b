package dev.sekisho.operator.vulndb;

import dev.sekisho.operator.CrashPoint;
import dev.sekisho.operator.OperatorConfig;
import dev.sekisho.scanner.vulndb.DatabaseRefusedException;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * <p>A refresh builds into a staging directory ({@code vulndb/next} in the store), checks the build
 * there, and only then renames it over the served file, so neither a crashed update nor a refused
 * build ever replaces the database on disk that a restarted operator would open; the old database
 * stays open until the swap and is closed after it (an open SQLite handle keeps reading the
 * replaced file).
 *
 * <p>Fails closed: a bundle or source without OSV records, a build of no advisories, or one of
 * fewer than half the advisories of the database held ({@link DatabaseUpdater#SHRINK_LIMIT}) is
 * never swapped in; the previous database keeps serving, a warning says so, and the metrics {@code
 * sekisho_database_refreshes_total{outcome}} and {@code sekisho_database_advisories} show it.
 */
public final class DatabaseManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseManager.class);

  private final Path dir;
  // where a new database is built and checked before it replaces the served one (see update())
  private final Path staging;
  private final SourcesConfig sources;
  private final Path bundleDir;
  private final Duration interval;
  private final DatabaseHolder holder;
  private final DatabaseUpdater updater;
  private final Supplier<Optional<Rematcher>> rematcher;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("vulndb-update").factory());
  private final Counter updated;
  private final Counter refusedEmpty;
  private final Counter refusedShrink;
  private final Counter failed;
  private final AtomicLong advisories = new AtomicLong(-1);
  private LocalDatabase current;
  private volatile Consumer<Problem> problems = p -> {};
  // the last update failure refresh() logged and counted, so the scheduled run does not repeat it
  private volatile Exception reported;

  /**
   * A refresh that did not replace the database.
   *
   * @param reason {@code DatabaseRefused} (empty, or much smaller than the one served) or {@code
   *     DatabaseUpdateFailed}
   * @param message what happened and that the previous database keeps serving
   */
  public record Problem(String reason, String message) {}

  /**
   * @param rematcher gives the re-matcher once the operator runs (empty before)
   */
  public DatabaseManager(
      OperatorConfig config,
      DatabaseHolder holder,
      DatabaseUpdater updater,
      Supplier<Optional<Rematcher>> rematcher,
      MeterRegistry meters) {
    this.dir = config.storeDir().resolve("vulndb");
    this.staging = dir.resolve("next");
    this.interval = config.dbUpdateInterval();
    this.holder = holder;
    this.updater = updater;
    this.rematcher = rematcher;
    this.bundleDir = config.dbBundle();
    this.sources =
        sources(config.dbSources())
            .withKev(config.dbKev())
            .withCvss(config.dbCvss())
            .withEpss(config.dbEpss());
    this.updated = refreshes(meters, "updated");
    this.refusedEmpty = refreshes(meters, "refused_empty");
    this.refusedShrink = refreshes(meters, "refused_shrink");
    this.failed = refreshes(meters, "failed");
    Gauge.builder(
            "sekisho_database_advisories", advisories, a -> a.get() < 0 ? Double.NaN : a.get())
        .description("Advisories in the vulnerability database the operator serves (NaN: none)")
        .register(meters);
  }

  private static Counter refreshes(MeterRegistry meters, String outcome) {
    return Counter.builder("sekisho_database_refreshes_total")
        .description(
            "Vulnerability database refreshes by outcome: updated, refused_empty or"
                + " refused_shrink (the previous database keeps serving), failed")
        .tag("outcome", outcome)
        .register(meters);
  }

  /**
   * Tells {@code listener} about every refresh that did not replace the database (the operator
   * records a Warning Event on its pod), besides the log line and the metric.
   */
  public DatabaseManager onProblem(Consumer<Problem> listener) {
    this.problems = listener;
    return this;
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
      if (e != reported) {
        LOG.error("vulnerability database refresh failed: {}", e.toString());
      }
    }
  }

  /**
   * One refresh: update or import, open, swap, re-match. A failed or refused update leaves the
   * previous database serving; it is logged, counted, and thrown.
   */
  public synchronized void refresh() throws IOException {
    LocalDatabase loaded;
    try {
      loaded = update();
    } catch (DatabaseRefusedException e) {
      (e.reason() == DatabaseRefusedException.Reason.EMPTY ? refusedEmpty : refusedShrink)
          .increment();
      LOG.warn(
          "vulnerability database update refused; keeping the previous one {}: {}",
          held(),
          e.getMessage());
      reported = e;
      tell(
          "DatabaseRefused",
          "vulnerability database update refused, the previous one "
              + held()
              + " keeps serving: "
              + e.getMessage());
      throw e;
    } catch (IOException | RuntimeException e) {
      failed.increment();
      LOG.error(
          "vulnerability database update failed; keeping the previous one {}: {}",
          held(),
          e.getMessage());
      reported = e;
      tell(
          "DatabaseUpdateFailed",
          "vulnerability database update failed, the previous one "
              + held()
              + " keeps serving: "
              + e.getMessage());
      throw e;
    }
    swapIn(loaded);
    updated.increment();
    LOG.info(
        "vulnerability database updated dir={} built={} advisories={}",
        dir,
        current.database().orElseThrow().built(),
        loaded.advisories());
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

  /**
   * Builds the new database in the staging directory, opens it there, and only when it passes the
   * checks moves it over the served file and opens it from there. A refused build never reaches the
   * served directory, so a restart cannot serve it either.
   */
  private LocalDatabase update() throws IOException {
    Files.createDirectories(staging);
    // a build left by an earlier, interrupted refresh
    Files.deleteIfExists(VulnDatabase.databaseFile(staging));
    if (bundleDir != null) {
      // the bundle's files (bundles from `sekisho db bundle`, OSV archives or records), with the
      // configured KEV and CVSS feeds (local paths in an air-gapped cluster)
      updater.update(
          SourcesConfig.local(bundleFiles())
              .withKev(sources.kev())
              .withCvss(sources.cvss())
              .withEpss(sources.epss()),
          staging,
          msg -> progress("vulndb import {}", msg));
    } else {
      updater.update(sources, staging, msg -> progress("vulndb update {}", msg));
    }
    long built;
    try (LocalDatabase staged = LocalDatabase.open(staging)) {
      built = staged.advisories();
    } catch (IOException e) {
      Files.deleteIfExists(VulnDatabase.databaseFile(staging));
      throw e;
    }
    // the updater compares with the database it replaces, which in the staging directory is none:
    // the database held is what counts here
    if (current != null && built < current.advisories() * DatabaseUpdater.SHRINK_LIMIT) {
      long held = current.advisories();
      Files.deleteIfExists(VulnDatabase.databaseFile(staging));
      throw new DatabaseRefusedException(
          DatabaseRefusedException.Reason.SHRINK,
          built,
          held,
          "the new vulnerability database would hold "
              + built
              + " advisories, fewer than half of the "
              + held
              + " in the one being served");
    }
    CrashPoint.DB_SWAP.reach();
    // on disk before the rename, and the rename on disk before the database is served: a power
    // loss then leaves the old database or the whole new one, as a killed process does
    try (FileChannel file =
        FileChannel.open(VulnDatabase.databaseFile(staging), StandardOpenOption.WRITE)) {
      file.force(true);
    }
    // the served database stays open on its (now unlinked) file until swapIn closes it
    Files.move(
        VulnDatabase.databaseFile(staging),
        VulnDatabase.databaseFile(dir),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename itself is still atomic
      LOG.debug("cannot sync the database directory {}: {}", dir, e.toString());
    }
    CrashPoint.DB_SWAPPED.reach();
    return LocalDatabase.open(dir);
  }

  /**
   * A line of the updater's progress; "read N records from …" comes once a source's records are in
   * the half-built temporary file, which is where {@link CrashPoint#DB_BUILD} halts.
   */
  private static void progress(String format, String msg) {
    LOG.debug(format, msg);
    if (msg.startsWith("read ")) {
      CrashPoint.DB_BUILD.reach();
    }
  }

  /** The bundle directory's .zip and .json files. */
  private List<Path> bundleFiles() throws IOException {
    if (Files.exists(VulnDatabase.databaseFile(bundleDir))) {
      throw new IOException(
          "the database bundle directory "
              + bundleDir
              + " holds a compiled database ("
              + VulnDatabase.databaseFile(bundleDir).getFileName()
              + "), which the operator does not import: put a bundle made with `sekisho db bundle"
              + " --output FILE` (or OSV all.zip archives) there instead");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(bundleDir)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                    return n.endsWith(".zip") || n.endsWith(".json");
                  })
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(
          "the database bundle directory "
              + bundleDir
              + " holds no .zip or .json files: put a bundle made with `sekisho db bundle --output"
              + " FILE` there");
    }
    return files;
  }

  private void tell(String reason, String message) {
    try {
      problems.accept(new Problem(reason, message));
    } catch (RuntimeException e) {
      LOG.debug("cannot report the database problem: {}", e.toString());
    }
  }

  /** What is served now, for log lines. */
  private String held() {
    return current == null
        ? "(none loaded)"
        : "("
            + current.advisories()
            + " advisories, built "
            + current.database().orElseThrow().built()
            + ")";
  }

  private void swapIn(LocalDatabase loaded) {
    holder.swap(loaded);
    advisories.set(loaded.advisories());
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
