package dev.sekisho.cli;

import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the vulnerability database for a scan, updating it first when it is missing or stale. */
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
   * The database to scan with. Missing: downloaded, unless --offline or --skip-db-update (then an
   * infrastructure error). Stale: updated when allowed, else (or when the update fails) used with a
   * warning.
   */
  VulnDatabase openForScan(boolean offline, boolean skipUpdate) throws IOException {
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
    VulnDatabase db;
    try {
      db = VulnDatabase.open(dir);
    } catch (IOException e) {
      throw new InfrastructureException(e.getMessage(), e);
    }
    db.info().staleWarning(options.maxAge(), context.clock().instant()).ifPresent(this::warn);
    return db;
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
