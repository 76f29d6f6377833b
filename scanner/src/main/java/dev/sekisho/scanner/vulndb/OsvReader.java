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

  /** Counts of one read. */
  record Counts(long records, long errors) {}

  private OsvReader() {}

  static Counts read(Path path, Sink sink) throws IOException {
    long[] counts = new long[2];
    if (Files.isDirectory(path)) {
      List<Path> files;
      try (var walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".zip")) {
          readZip(f, sink, counts);
        } else if (n.endsWith(".json")) {
          readJson(f, sink, counts);
        }
      }
    } else if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      readZip(path, sink, counts);
    } else if (Files.isRegularFile(path)) {
      readJson(path, sink, counts);
    } else {
      throw new IOException("OSV source " + path + " does not exist");
    }
    return new Counts(counts[0], counts[1]);
  }

  /** One record; a file holding JSON {@code null} is not one. */
  private static OsvRecord parse(InputStream in) throws IOException {
    OsvRecord r = Schema.JSON.readValue(in, OsvRecord.class);
    if (r == null) {
      throw new IOException("not a JSON object");
    }
    return r;
  }

  private static void readJson(Path f, Sink sink, long[] counts) throws IOException {
    OsvRecord r;
    try (InputStream in = Files.newInputStream(f)) {
      r = parse(in);
    } catch (IOException e) {
      LOG.warn("skipping OSV record that does not parse file={} error={}", f, e.getMessage());
      counts[1]++;
      return;
    }
    counts[0]++;
    sink.accept(r);
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
        sink.accept(r);
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException("cannot read OSV archive " + zip + ": " + e.getMessage(), e);
    }
  }
}
