package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A portable database bundle: one zip holding the source files a database was built from (the OSV
 * archives and enrichment feeds of the last update, from {@code <dir>/cache}) and a manifest,
 * {@value #MANIFEST}, listing each file with its sha256, kind, ecosystem and record count. {@code
 * sekisho db bundle} writes it where the sources are reachable; {@code sekisho db import FILE} and
 * the operator's bundle directory read it in an air-gapped cluster, verify every digest and build
 * the database from the files, exactly as an update would.
 *
 * <p>The bundle carries sources rather than the compiled SQLite file so that the importing side
 * builds a database of its own schema version and checks it as it checks any other build.
 */
public final class DatabaseBundle {

  /** The manifest's entry name. */
  public static final String MANIFEST = "sekisho-bundle.json";

  static final String FORMAT = "sekisho-vulndb-bundle";
  static final int VERSION = 1;

  /** The largest manifest read (a bundle of every ecosystem lists a few dozen files). */
  static final int MAX_MANIFEST_BYTES = 1 << 20;

  private static final Pattern SAFE_PATH =
      Pattern.compile("(osv|kev|cvss|epss)/[A-Za-z0-9][A-Za-z0-9._-]*");

  private DatabaseBundle() {}

  /**
   * The manifest.
   *
   * @param format always {@value #FORMAT}
   * @param version the manifest version, {@value #VERSION}
   * @param createdAt when the bundle was written (RFC 3339)
   * @param database the database the files were built into where the bundle was written
   * @param files the files, in build order
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Manifest(
      String format, int version, String createdAt, Database database, List<Entry> files) {
    public Manifest {
      files = files == null ? List.of() : List.copyOf(files);
    }
  }

  /** The database a bundle's files were built into: schema version, build time, advisories. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Database(int schemaVersion, String builtAt, long advisories) {}

  /**
   * One file of a bundle.
   *
   * @param path its entry name in the zip ({@code osv/…}, {@code kev/…}, {@code cvss/…})
   * @param kind "osv", "kev", "cvss" or "epss"
   * @param ecosystem the OSV ecosystem of an archive fetched from an OSV bucket, else null
   * @param location where it came from (URL or path)
   * @param sha256 {@code sha256:<hex>} of its bytes
   * @param size its size in bytes
   * @param records records the database took from it (advisories, KEV ids, CVEs with CVSS data)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Entry(
      String path,
      String kind,
      String ecosystem,
      String location,
      String sha256,
      long size,
      long records) {}

  /** A verified file of an extracted bundle. */
  record Extracted(Entry entry, Path file) {}

  /**
   * Writes the bundle of the database in {@code dir} to {@code output}: every source of its last
   * build, found in {@code <dir>/cache} (or, for a local source, at its path) by its recorded
   * digest. Written to a temporary file beside {@code output} and renamed.
   *
   * @throws IOException naming the source that cannot be found or no longer matches its digest
   */
  public static Manifest write(Path dir, Path output, Instant now) throws IOException {
    DatabaseInfo info;
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      info = db.info();
    }
    Map<String, Path> cached = cacheByDigest(dir.resolve("cache"));
    List<Entry> entries = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    int n = 0;
    for (DatabaseInfo.Source s : info.sources()) {
      Path file = cached.get(s.digest());
      if (file == null) {
        file = localSource(s);
      }
      if (file == null) {
        throw new IOException(
            "cannot bundle "
                + dir
                + ": its "
                + s.kind()
                + " source "
                + s.location()
                + " ("
                + s.digest()
                + ") is no longer in "
                + dir.resolve("cache")
                + (isUrl(s.location()) ? "" : " nor at its path")
                + ": run `sekisho db update --db "
                + dir
                + "` and bundle right after it");
      }
      n++;
      entries.add(
          new Entry(
              s.kind() + "/" + String.format(Locale.ROOT, "%02d-", n) + safe(file),
              s.kind(),
              "osv".equals(s.kind()) ? bucketEcosystem(s.location()) : null,
              s.location(),
              s.digest(),
              Files.size(file),
              s.records()));
      files.add(file);
    }
    Manifest manifest =
        new Manifest(
            FORMAT,
            VERSION,
            now.toString(),
            new Database(info.schemaVersion(), info.builtAt().toString(), info.advisories()),
            entries);
    Path parent = output.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, output.getFileName().toString(), ".part");
    try {
      try (OutputStream out = Files.newOutputStream(tmp);
          ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(Schema.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.closeEntry();
        for (int i = 0; i < entries.size(); i++) {
          Entry e = entries.get(i);
          zip.putNextEntry(new ZipEntry(e.path()));
          MessageDigest md = ArchiveCache.sha256();
          try (InputStream in = new DigestInputStream(Files.newInputStream(files.get(i)), md)) {
            in.transferTo(zip);
          }
          zip.closeEntry();
          String digest = "sha256:" + HexFormat.of().formatHex(md.digest());
          if (!digest.equals(e.sha256())) {
            throw new IOException(
                "cannot bundle "
                    + files.get(i)
                    + ": it changed since the database was built (now "
                    + digest
                    + ", built from "
                    + e.sha256()
                    + "): run `sekisho db update --db "
                    + dir
                    + "` and bundle right after it");
          }
        }
      }
      try {
        Files.move(
            tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return manifest;
  }

  /** True when {@code file} is a zip whose first-level entries include {@value #MANIFEST}. */
  static boolean isBundle(Path file) {
    if (!Files.isRegularFile(file)
        || !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      return false;
    }
    try (ZipFile z = new ZipFile(file.toFile())) {
      return z.getEntry(MANIFEST) != null;
    } catch (IOException e) {
      return false; // not a zip: the OSV reader says so with the file's name
    }
  }

  /**
   * Extracts a bundle into {@code into} (emptied first) and verifies it: the manifest parses, lists
   * only safe entry names of a known kind, every listed file is there with the listed sha256, and
   * the zip holds nothing the manifest does not list.
   *
   * @return the files in manifest order
   * @throws IOException naming the bundle and the file that failed
   */
  static List<Extracted> extract(Path bundle, Path into) throws IOException {
    deleteTree(into);
    Files.createDirectories(into);
    try (ZipFile z = new ZipFile(bundle.toFile())) {
      ZipEntry me = z.getEntry(MANIFEST);
      if (me == null) {
        throw new IOException("bundle " + bundle + " has no " + MANIFEST);
      }
      Manifest manifest;
      try (InputStream in = z.getInputStream(me)) {
        byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        if (bytes.length > MAX_MANIFEST_BYTES) {
          throw new IOException(
              "bundle "
                  + bundle
                  + ": "
                  + MANIFEST
                  + " is larger than "
                  + MAX_MANIFEST_BYTES
                  + " bytes");
        }
        manifest = Schema.JSON.readValue(bytes, Manifest.class);
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new IOException(
            "bundle " + bundle + ": " + MANIFEST + " does not parse: " + e.getOriginalMessage(), e);
      }
      if (!FORMAT.equals(manifest.format()) || manifest.version() != VERSION) {
        throw new IOException(
            "bundle "
                + bundle
                + ": "
                + MANIFEST
                + " is format "
                + manifest.format()
                + " version "
                + manifest.version()
                + ", this Sekisho reads "
                + FORMAT
                + " version "
                + VERSION);
      }
      if (manifest.files().isEmpty()) {
        throw new IOException("bundle " + bundle + " lists no files in its " + MANIFEST);
      }
      Set<String> listed = new LinkedHashSet<>();
      List<Extracted> out = new ArrayList<>();
      for (Entry e : manifest.files()) {
        if (e.path() == null
            || !SAFE_PATH.matcher(e.path()).matches()
            || !e.path().startsWith(e.kind() + "/")) {
          throw new IOException(
              "bundle "
                  + bundle
                  + ": "
                  + MANIFEST
                  + " lists "
                  + e.path()
                  + " of kind "
                  + e.kind()
                  + "; entries must be osv/NAME, kev/NAME or cvss/NAME of that kind");
        }
        if (!listed.add(e.path())) {
          throw new IOException(
              "bundle " + bundle + ": " + MANIFEST + " lists " + e.path() + " twice");
        }
        ZipEntry ze = z.getEntry(e.path());
        if (ze == null) {
          throw new IOException(
              "bundle " + bundle + ": " + e.path() + " is listed in its manifest but missing");
        }
        Path target = into.resolve(e.path());
        Files.createDirectories(target.getParent());
        String digest;
        try (InputStream in = new DigestInputStream(z.getInputStream(ze), ArchiveCache.sha256());
            OutputStream o = Files.newOutputStream(target)) {
          // never more than the manifest declares: a small entry that inflates without end must
          // not fill the disk before its digest is checked
          if (e.size() < 0) {
            throw new IOException(
                "bundle " + bundle + ": " + MANIFEST + " gives " + e.path() + " a negative size");
          }
          try {
            in.transferTo(new BoundedOut(o, e.size()));
          } catch (BoundedOut.TooLarge tooLarge) {
            throw new IOException(
                "bundle "
                    + bundle
                    + ": "
                    + e.path()
                    + " holds more than the "
                    + e.size()
                    + " bytes its manifest gives");
          }
          // a shorter file fails the digest check below
          digest =
              "sha256:"
                  + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
        if (!digest.equals(e.sha256())) {
          throw new IOException(
              "bundle "
                  + bundle
                  + ": "
                  + e.path()
                  + " does not match its manifest digest (manifest "
                  + e.sha256()
                  + ", file "
                  + digest
                  + "): the bundle is damaged or was altered; make it again with `sekisho db"
                  + " bundle`");
        }
        out.add(new Extracted(e, target));
      }
      var entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry ze = entries.nextElement();
        if (!ze.isDirectory() && !ze.getName().equals(MANIFEST) && !listed.contains(ze.getName())) {
          throw new IOException(
              "bundle " + bundle + " holds " + ze.getName() + ", which its manifest does not list");
        }
      }
      return out;
    } catch (ZipException e) {
      throw new IOException("cannot read bundle " + bundle + ": " + e.getMessage(), e);
    }
  }

  /** The regular files of the cache by digest (the recorded one when a .meta has it). */
  private static Map<String, Path> cacheByDigest(Path cache) throws IOException {
    Map<String, Path> out = new HashMap<>();
    if (!Files.isDirectory(cache)) {
      return out;
    }
    List<Path> files;
    try (var walk = Files.walk(cache)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return !n.endsWith(".meta") && !n.endsWith(".part");
                  })
              .sorted()
              .toList();
    }
    for (Path f : files) {
      String digest = null;
      Path meta = f.resolveSibling(f.getFileName() + ".meta");
      if (Files.isRegularFile(meta)) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
          p.load(in);
        }
        digest = p.getProperty("digest");
      }
      out.putIfAbsent(digest != null ? digest : ArchiveCache.digest(f), f);
    }
    return out;
  }

  /** A local source's file when it is still there with its digest (directories are not bundled). */
  private static Path localSource(DatabaseInfo.Source s) throws IOException {
    if (isUrl(s.location())) {
      return null;
    }
    Path p = Path.of(s.location());
    if (Files.isDirectory(p)) {
      throw new IOException(
          "cannot bundle the "
              + s.kind()
              + " source "
              + p
              + ": it is a directory; import a zip of its files instead, then bundle");
    }
    return Files.isRegularFile(p) && ArchiveCache.digest(p).equals(s.digest()) ? p : null;
  }

  private static boolean isUrl(String location) {
    String l = location.toLowerCase(Locale.ROOT);
    return l.startsWith("http://") || l.startsWith("https://");
  }

  /** The ecosystem of an OSV bucket archive URL ({@code …/<Ecosystem>/all.zip}), else null. */
  static String bucketEcosystem(String location) {
    if (!isUrl(location)) {
      return null;
    }
    String path = URI.create(location).getRawPath();
    if (path == null || !path.endsWith("/all.zip")) {
      return null;
    }
    String dir = path.substring(0, path.length() - "/all.zip".length());
    int slash = dir.lastIndexOf('/');
    String eco = URLDecoder.decode(dir.substring(slash + 1), StandardCharsets.UTF_8);
    return eco.isEmpty() ? null : eco;
  }

  private static String safe(Path file) {
    String name = file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    return name.startsWith(".") ? "_" + name : name;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Passes at most {@code limit} bytes on; one more is an error naming the limit. */
  private static final class BoundedOut extends java.io.FilterOutputStream {
    static final class TooLarge extends IOException {
      TooLarge() {
        super("over the declared size");
      }
    }

    private long left;

    BoundedOut(OutputStream out, long limit) {
      super(out);
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw new TooLarge();
      }
      left -= len;
      out.write(b, off, len);
    }
  }
}
