package dev.sekisho.cli;

import dev.sekisho.scanner.vulndb.DatabaseBundle;
import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sekisho db update|import|bundle|info}: the local vulnerability database. */
@Command(
    name = "db",
    description = "Manage the local vulnerability database.",
    subcommands = {
      DbCommand.Update.class,
      DbCommand.Import.class,
      DbCommand.Bundle.class,
      DbCommand.Info.class
    })
final class DbCommand {

  /** {@code sekisho db update}: fetch the OSV archives (and feeds) and compile the database. */
  @Command(
      name = "update",
      description =
          "Download the OSV archives (and optional KEV/CVSS feeds) and compile them into the"
              + " database. Atomic: a failed update leaves the old database in place; an empty"
              + " result, or one of fewer than half the current advisories, is refused.")
  static final class Update implements Callable<Integer> {
    private final CliContext context;
    @Mixin DbOptions db;

    @Option(
        names = "--allow-shrink",
        description =
            "Replace the database even when the new one has fewer than half its advisories.")
    boolean allowShrink;

    Update(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path dir = db.directory(context);
      Progress progress = new Progress(context);
      try {
        DatabaseInfo info =
            new DatabaseUpdater()
                .allowShrink(allowShrink)
                .update(db.sources(), dir, progress::step);
        progress.done();
        Info.print(context, info, db);
        return ExitCode.PASS.code();
      } catch (IOException e) {
        progress.done();
        throw new InfrastructureException("database update failed: " + e.getMessage(), e);
      }
    }
  }

  /** {@code sekisho db import PATH…}: compile local OSV data (air-gapped). */
  @Command(
      name = "import",
      description =
          "Compile local OSV data (bundles from `sekisho db bundle`, all.zip archives,"
              + " directories of .json/.zip files, single .json records) into the database,"
              + " replacing it. A path without OSV records is an error; an empty result, or one"
              + " of fewer than half the current advisories, is refused.")
  static final class Import implements Callable<Integer> {
    private final CliContext context;
    @Mixin DbOptions db;

    @Parameters(
        paramLabel = "PATH",
        arity = "1..*",
        description = "Bundles, OSV files or directories.")
    List<Path> paths;

    @Option(
        names = "--allow-shrink",
        description =
            "Replace the database even when the new one has fewer than half its advisories.")
    boolean allowShrink;

    Import(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      for (Path p : paths) {
        if (!Files.exists(p)) {
          throw new UserInputException("cannot import " + p + ": no such file or directory");
        }
      }
      Progress progress = new Progress(context);
      try {
        DatabaseInfo info =
            new DatabaseUpdater()
                .allowShrink(allowShrink)
                .importFrom(paths, db.directory(context), progress::step);
        progress.done();
        Info.print(context, info, db);
        return ExitCode.PASS.code();
      } catch (IOException e) {
        progress.done();
        throw new UserInputException("database import failed: " + e.getMessage(), e);
      }
    }
  }

  /** {@code sekisho db bundle --output FILE}: the last build's sources in one file. */
  @Command(
      name = "bundle",
      description =
          "Write the sources of the database's last build (the OSV archives and KEV/CVSS feeds"
              + " in <db>/cache) and a manifest of their sha256 digests into one zip, for"
              + " `sekisho db import FILE` or the operator's bundle directory in an air-gapped"
              + " cluster.")
  static final class Bundle implements Callable<Integer> {
    private final CliContext context;
    @Mixin DbOptions db;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        required = true,
        description = "The bundle to write (a zip).")
    Path output;

    Bundle(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path dir = db.directory(context);
      if (!Files.isRegularFile(VulnDatabase.databaseFile(dir))) {
        throw new InfrastructureException(
            "no vulnerability database in "
                + dir
                + ": run `sekisho db update` first, then bundle its sources");
      }
      try {
        DatabaseBundle.Manifest m = DatabaseBundle.write(dir, output, context.clock().instant());
        var out = context.out();
        out.println(
            "bundle:     "
                + output
                + " ("
                + m.files().size()
                + " files, database of "
                + m.database().advisories()
                + " advisories built "
                + m.database().builtAt()
                + ")");
        for (DatabaseBundle.Entry e : m.files()) {
          out.println(
              "  "
                  + e.path()
                  + " "
                  + e.sha256()
                  + " ("
                  + e.records()
                  + " records"
                  + (e.ecosystem() != null ? ", " + e.ecosystem() : "")
                  + ")");
        }
        return ExitCode.PASS.code();
      } catch (IOException e) {
        throw new InfrastructureException("database bundle failed: " + e.getMessage(), e);
      }
    }
  }

  /** {@code sekisho db info}: what the database holds and where it came from. */
  @Command(name = "info", description = "Print the database's version, age, size and sources.")
  static final class Info implements Callable<Integer> {
    private final CliContext context;
    @Mixin DbOptions db;

    Info(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path dir = db.directory(context);
      if (!Files.isRegularFile(VulnDatabase.databaseFile(dir))) {
        throw new InfrastructureException(
            "no vulnerability database in "
                + dir
                + ": run `sekisho db update` or `sekisho db import`");
      }
      try (VulnDatabase vdb = VulnDatabase.open(dir)) {
        print(context, vdb.info(), db);
        return ExitCode.PASS.code();
      } catch (IOException e) {
        throw new InfrastructureException(e.getMessage(), e);
      }
    }

    static void print(CliContext context, DatabaseInfo info, DbOptions db) {
      var out = context.out();
      out.println("database:        " + info.path());
      out.println("schema version:  " + info.schemaVersion());
      out.println("built:           " + info.builtAt());
      out.println("advisories:      " + info.advisories());
      out.println("affected:        " + info.affectedEntries());
      out.println("known exploited: " + info.knownExploited());
      out.println("cvss entries:    " + info.cvssEntries());
      out.println("size:            " + info.sizeBytes() + " bytes");
      out.println("sources:");
      for (DatabaseInfo.Source s : info.sources()) {
        out.println(
            "  "
                + s.kind()
                + " "
                + s.location()
                + " "
                + s.digest()
                + " ("
                + s.records()
                + " records)");
      }
      info.staleWarning(db.maxAge(), context.clock().instant())
          .ifPresent(w -> context.err().println("sekisho: warning: " + w));
    }
  }
}
