package dev.sekisho.scanner.vulndb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads OSV records from an {@code all.zip} archive, a directory (of {@code .json} and {@code .zip}
 * files, recursively) or a single {@code .json} file. A record that does not parse is logged with
 * its location and skipped; it never stops the rest.
 */
final class OsvReader {

  private static final Logger LOG = LoggerFactory.getLogger(OsvReader.class);

  /** Receives each record. */
  interface Sink {
    void accept(OsvRecord record) throws IOException;
  }

  /**
   * Counts of one read.
   *
   * @param records records that parsed
   * @param errors files or entries that did not parse
   * @param osv records that are OSV data: an id and at least one affected package
   */
  record Counts(long records, long errors, long osv) {}

  private OsvReader() {}

  /**
   * Reads every record of a source.
   *
   * @throws IOException naming the source when it does not exist, cannot be read, is a Sekisho
   *     database directory, or holds no OSV record at all ("… is not OSV data", "… holds no OSV
   *     records"): a source that yields nothing is a mistake, never an empty database
   */
  static Counts read(Path path, Sink sink) throws IOException {
    long[] counts = new long[3];
    if (Files.isDirectory(path)) {
      if (Files.exists(path.resolve(Schema.FILE_NAME))) {
        throw new IOException(
            path
                + " is a Sekisho database directory (it holds "
                + Schema.FILE_NAME
                + "), not OSV data: to move a database to another machine run `sekisho db bundle"
                + " --db "
                + path
                + " --output FILE` where it was built and `sekisho db import FILE` here, or use"
                + " the directory itself as the database (--db "
                + path
                + ")");
      }
      List<Path> files;
      try (var walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      int inputs = 0;
      for (Path f : files) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".zip")) {
          if (DatabaseBundle.isBundle(f)) {
            throw new IOException(
                "OSV source "
                    + path
                    + " holds the database bundle "
                    + f
                    + ", which is read only as a file of its own: import "
                    + f
                    + " itself");
          }
          inputs++;
          readZip(f, sink, counts);
        } else if (n.endsWith(".json")) {
          inputs++;
          readJson(f, sink, counts);
        }
      }
      if (inputs == 0) {
        throw new IOException(
            "OSV source " + path + " holds no OSV records: no .json or .zip files in it");
      }
    } else if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      readZip(path, sink, counts);
    } else if (Files.isRegularFile(path)) {
      if (path.getFileName().toString().equals(Schema.FILE_NAME)) {
        throw new IOException(
            path
                + " is a compiled Sekisho database, not OSV data: to move a database to another"
                + " machine run `sekisho db bundle --output FILE` where it was built and `sekisho"
                + " db import FILE` here");
      }
      String error = readJson(path, sink, counts);
      if (error != null) {
        // a record with an id but nothing affected is OSV, just not data a database can use
        throw new IOException(
            path
                + (error.startsWith("record ") ? " holds no OSV records: " : " is not OSV data: ")
                + error);
      }
    } else {
      throw new IOException("OSV source " + path + " does not exist");
    }
    if (counts[2] == 0) {
      throw new IOException(
          path
              + " holds no OSV records: "
              + (counts[0] + counts[1] == 0
                  ? "no .json records in it"
                  : counts[0]
                      + " JSON documents read"
                      + (counts[1] > 0 ? " (" + counts[1] + " did not parse)" : "")
                      + ", none an OSV record with an \"id\" and \"affected\" packages"));
    }
    return new Counts(counts[0], counts[1], counts[2]);
  }

  /** One record; a file holding JSON {@code null} is not one. */
  private static OsvRecord parse(InputStream in) throws IOException {
    OsvRecord r = Schema.JSON.readValue(in, OsvRecord.class);
    if (r == null) {
      throw new IOException("not a JSON object");
    }
    return r;
  }

  /** True for a record with an id and at least one affected package: OSV data we can use. */
  private static boolean isOsv(OsvRecord r) {
    return r.id() != null
        && r.affected().stream()
            .anyMatch(
                a ->
                    a != null
                        && a.pkg() != null
                        && a.pkg().name() != null
                        && a.pkg().ecosystem() != null);
  }

  /** Reads one record; returns why it is not OSV data, or null when it is. */
  private static String readJson(Path f, Sink sink, long[] counts) throws IOException {
    OsvRecord r;
    try (InputStream in = Files.newInputStream(f)) {
      r = parse(in);
    } catch (IOException e) {
      LOG.warn("skipping OSV record that does not parse file={} error={}", f, e.getMessage());
      counts[1]++;
      return "it does not parse as an OSV record (" + e.getMessage() + ")";
    }
    counts[0]++;
    if (r == null) {
      return "it holds JSON null";
    }
    if (isOsv(r)) {
      counts[2]++;
    }
    sink.accept(r);
    if (r.id() == null) {
      return "it has no \"id\"";
    }
    return isOsv(r) ? null : "record " + r.id() + " has no \"affected\" packages";
  }

  private static void readZip(Path zip, Sink sink, long[] counts) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory() || !e.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
          continue;
        }
        OsvRecord r;
        try (InputStream in = z.getInputStream(e)) {
          r = parse(in);
        } catch (IOException ex) {
          LOG.warn(
              "skipping OSV record that does not parse archive={} entry={} error={}",
              zip,
              e.getName(),
              ex.getMessage());
          counts[1]++;
          continue;
        }
        counts[0]++;
        if (r == null) {
          continue;
        }
        if (isOsv(r)) {
          counts[2]++;
        }
        sink.accept(r);
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException("cannot read OSV archive " + zip + ": " + e.getMessage(), e);
    }
  }
}
