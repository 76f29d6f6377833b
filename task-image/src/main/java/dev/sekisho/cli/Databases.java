package dev.sekisho.cli;

import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Prepares and opens the vulnerability database for a scan, updating it when missing or stale. */
final class Databases {
  private final CliContext context;
  private final DbOptions options;
  private final Progress progress;

  Databases(CliContext context, DbOptions options, Progress progress) {
    this.context = context;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Makes sure there is a database to scan with and returns its directory. Missing: downloaded,
   * unless --offline or --skip-db-update (then an infrastructure error). Stale: updated when
   * allowed, else (or when the update fails) used as it is; {@link #warnIfStale} then says so.
   */
  Path prepareForScan(boolean offline, boolean skipUpdate) throws IOException {
    Path dir = options.directory(context);
    boolean mayUpdate = !offline && !skipUpdate;
    if (!Files.isRegularFile(VulnDatabase.databaseFile(dir))) {
      if (!mayUpdate) {
        throw new InfrastructureException(
            "no vulnerability database in "
                + dir
                + (offline ? " and --offline is set" : " and --skip-db-update is set")
                + ": run `sekisho db update` or `sekisho db import PATH…` first");
      }
      warn("no vulnerability database in " + dir + ": downloading it (sekisho db update)");
      try {
        update(dir);
      } catch (IOException e) {
        throw new InfrastructureException(
            "no vulnerability database in " + dir + " and the download failed: " + e.getMessage(),
            e);
      }
    } else if (mayUpdate && stale(dir).isPresent()) {
      try {
        update(dir);
      } catch (IOException e) {
        warn("database update failed, scanning with the old database: " + e.getMessage());
      }
    }
    return dir;
  }

  /**
   * Opens the prepared database on a thread of its own, so that the first connection's cost
   * (loading SQLite's driver and native library: 0.1 s with the launcher's class-data archive,
   * about half a second without) overlaps the reading of the image. Prints nothing; {@link #await}
   * gives the database or the failure.
   */
  static CompletableFuture<VulnDatabase> openInBackground(Path dir) {
    CompletableFuture<VulnDatabase> opening = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                opening.complete(VulnDatabase.open(dir));
              } catch (Throwable e) {
                opening.completeExceptionally(e);
              }
            },
            "sekisho-db-open");
    thread.setDaemon(true);
    thread.start();
    return opening;
  }

  /** The database {@link #openInBackground} opened, or its failure as an infrastructure error. */
  static VulnDatabase await(CompletableFuture<VulnDatabase> opening) throws IOException {
    try {
      return opening.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new InfrastructureException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening the vulnerability database", e);
    }
  }

  /** Closes the database {@link #openInBackground} opens once it is open (when nobody took it). */
  static void closeWhenOpen(CompletableFuture<VulnDatabase> opening) {
    opening.thenAccept(
        db -> {
          try {
            db.close();
          } catch (IOException ignored) {
            // the scan failed already; a read-only connection has nothing to lose
          }
        });
  }

  /** Warns when the database is older than --db-max-age allows. */
  void warnIfStale(VulnDatabase db) throws IOException {
    db.info().staleWarning(options.maxAge(), context.clock().instant()).ifPresent(this::warn);
  }

  private Optional<String> stale(Path dir) throws IOException {
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      return db.info().staleWarning(options.maxAge(), context.clock().instant());
    } catch (IOException e) {
      // unreadable or another schema version: rebuild it
      return Optional.of(e.getMessage());
    }
  }

  private DatabaseInfo update(Path dir) throws IOException {
    DatabaseInfo info = new DatabaseUpdater().update(options.sources(), dir, progress::step);
    progress.done();
    return info;
  }

  private void warn(String message) {
    progress.done();
    context.err().println("sekisho: warning: " + message);
  }
}
