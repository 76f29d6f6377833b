package dev.sekisho.scanner.analyzer.java;

import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Reads a Java archive, descending into archives nested in it (Spring Boot's BOOT-INF/lib,
 * WEB-INF/lib of a war, modules of an ear) without extracting anything to disk.
 *
 * <p>Each archive yields one package per {@code META-INF/maven/…/pom.properties} (a shaded jar
 * carries several), else one from {@code MANIFEST.MF} (Implementation-* or Bundle-* headers), else
 * one from a file name of the form {@code name-1.2.3.jar}. Depth and the total of uncompressed
 * bytes are bounded against zip bombs.
 *
 * <p>An archive with random access is read through its central directory ({@link ZipDirectory}):
 * only the metadata files and nested archives are inflated, never the classes, which are most of a
 * jar's bytes. Reading a jar as a stream ({@link ZipInputStream}) inflates every entry to find the
 * next one, in 512-byte steps; on an image of jars that was most of the scan's time
 * (bench/RESULTS.md, 2026-12-03). The stream is still the way when there is no central directory to
 * use (not a zip, a truncated one, ZIP64, a directory over {@link #MAX_DIRECTORY_BYTES}), and for
 * nested archives over {@link #MAX_NESTED_IN_MEMORY} bytes.
 */
final class JavaArchiveParser {
  static final int MAX_DEPTH = 4;
  static final long MAX_UNCOMPRESSED = 2L * 1024 * 1024 * 1024;
  private static final long MAX_METADATA = 1024 * 1024;

  /** Nested archives up to this size are read into memory and parsed by central directory. */
  static final int MAX_NESTED_IN_MEMORY = 4 << 20;

  /**
   * Central directories larger than this are not read (fat jars have a few hundred KiB); such
   * archives are streamed instead.
   */
  static final int MAX_DIRECTORY_BYTES = 16 << 20;

  private static final String MANIFEST = "META-INF/MANIFEST.MF";
  private static final Pattern POM_PROPERTIES =
      Pattern.compile("^META-INF/maven/[^/]+/[^/]+/pom\\.properties$");
  private static final Pattern FILE_NAME =
      Pattern.compile("^(?<name>[A-Za-z0-9_.\\-]+?)-(?<version>\\d[A-Za-z0-9_.\\-+]*)$");
  private static final Pattern ARTIFACT = Pattern.compile("^[A-Za-z0-9_.\\-]+$");

  /** The packages found and problems met (each naming the nested path it concerns). */
  record Result(List<Package> packages, List<String> problems) {}

  private final String layerDigest;
  private final List<Package> packages = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long budget = MAX_UNCOMPRESSED;

  private JavaArchiveParser(String layerDigest) {
    this.layerDigest = layerDigest;
  }

  static boolean isArchiveName(String name) {
    return endsWithIgnoreCase(name, ".jar")
        || endsWithIgnoreCase(name, ".war")
        || endsWithIgnoreCase(name, ".ear")
        || endsWithIgnoreCase(name, ".jpi")
        || endsWithIgnoreCase(name, ".hpi");
  }

  private static boolean endsWithIgnoreCase(String s, String suffix) {
    return s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
  }

  /**
   * Parses the archive at {@code path} (absolute image path) from {@code channel}, by its central
   * directory when it has a usable one. The channel is not closed.
   *
   * @throws IOException only when reading {@code channel} itself fails
   */
  static Result parse(SeekableByteChannel channel, String path, String layerDigest)
      throws IOException {
    JavaArchiveParser p = new JavaArchiveParser(layerDigest);
    p.archive(channel, path, 0);
    return new Result(p.packages, p.problems);
  }

  private void archive(SeekableByteChannel ch, String path, int depth) throws IOException {
    ZipDirectory zip = ZipDirectory.read(ch, MAX_DIRECTORY_BYTES);
    List<ZipDirectory.Entry> entries = null;
    if (zip != null) {
      try {
        entries = zip.entries(JavaArchiveParser::isWanted);
      } catch (ZipException e) {
        entries = null; // a ZIP64 entry among the wanted ones: the stream reads those
      }
    }
    if (entries == null) {
      ch.position(0);
      archive(Channels.newInputStream(ch), path, depth); // not closed: the channel is the caller's
      return;
    }
    Contents contents = new Contents(packages.size());
    for (ZipDirectory.Entry e : entries) {
      try (InputStream in = zip.open(e)) {
        entry(contents, path, e.name(), e.size(), in, depth);
      } catch (BudgetExceeded x) {
        throw x;
      } catch (IOException | IllegalArgumentException x) {
        // this entry is corrupt (its local header, or its data); the others may not be
        problems.add(path + ": " + e.name() + ": " + x.getMessage());
      }
    }
    finish(contents, path, sha1(ch));
  }

  /** What an archive yields while its entries are read. */
  private static final class Contents {
    final int firstPackage;
    final List<Properties> poms = new ArrayList<>();
    Manifest manifest;
    final List<Package> children = new ArrayList<>();

    Contents(int firstPackage) {
      this.firstPackage = firstPackage;
    }
  }

  /**
   * Reads one entry of an archive, if it is one that tells packages: pom.properties, the manifest,
   * or a nested archive (parsed by its central directory when its size is known and small).
   */
  private void entry(Contents c, String path, String name, long size, InputStream in, int depth)
      throws IOException {
    if (POM_PROPERTIES.matcher(name).matches()) {
      Properties props = new Properties();
      props.load(new ByteArrayInputStream(readBounded(in)));
      c.poms.add(props);
    } else if (name.equals(MANIFEST)) {
      c.manifest = new Manifest(new ByteArrayInputStream(readBounded(in)));
    } else if (isArchiveName(name)) {
      String child = path + "!/" + name;
      if (depth + 1 >= MAX_DEPTH) {
        problems.add(child + ": archives nested deeper than " + MAX_DEPTH + " are not read");
        return;
      }
      int before = packages.size();
      if (size >= 0 && size <= MAX_NESTED_IN_MEMORY) {
        byte[] bytes = in.readNBytes((int) size);
        charge(bytes.length);
        archive(new SeekableInMemoryByteChannel(bytes), child, depth + 1);
      } else {
        archive(new Budgeted(in), child, depth + 1);
      }
      c.children.addAll(packages.subList(before, packages.size()));
    }
  }

  /** Puts the archive's own packages before the ones nested in it. */
  private void finish(Contents c, String path, String sha1) {
    packages.subList(c.firstPackage, packages.size()).clear();
    packages.addAll(own(path, c.poms, c.manifest, sha1));
    packages.addAll(c.children);
  }

  /** The entries read from a central directory: metadata and nested archives. */
  private static boolean isWanted(String name) {
    return name.endsWith("/pom.properties") || name.equals(MANIFEST) || isArchiveName(name);
  }

  private static String sha1(SeekableByteChannel ch) throws IOException {
    MessageDigest sha1 = newSha1();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    ch.position(0);
    while (ch.read(buf) >= 0) {
      buf.flip();
      sha1.update(buf);
      buf.clear();
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  private static MessageDigest newSha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads an archive entry by entry, for archives without a usable central directory. */
  private void archive(InputStream raw, String path, int depth) throws IOException {
    MessageDigest sha1 = newSha1();
    DigestInputStream digested = new DigestInputStream(raw, sha1);
    ZipInputStream zip = new ZipInputStream(new NonClosing(digested));
    Contents contents = new Contents(packages.size());
    boolean complete = true;
    try {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (!e.isDirectory()) {
          entry(contents, path, e.getName(), e.getSize(), zip, depth);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // ZipException and friends: the archive is corrupt or truncated here; keep what was read
      if (e instanceof BudgetExceeded) {
        throw (BudgetExceeded) e;
      }
      problems.add(path + ": " + e.getMessage());
      complete = false;
    }
    String sha1Hex = null;
    if (complete) {
      try {
        digested.transferTo(OutputSink.INSTANCE);
        sha1Hex = HexFormat.of().formatHex(sha1.digest());
      } catch (IOException e) {
        problems.add(path + ": " + e.getMessage());
      }
    }
    finish(contents, path, sha1Hex);
  }

  private List<Package> own(String path, List<Properties> poms, Manifest manifest, String sha1) {
    Location location = new Location(layerDigest, path);
    List<Package> out = new ArrayList<>();
    for (Properties p : poms) {
      String g = strip(p.getProperty("groupId"));
      String a = strip(p.getProperty("artifactId"));
      String v = strip(p.getProperty("version"));
      if (a != null && v != null) {
        out.add(maven(new PackageMetadata.Java(g, a, "pom.properties", sha1), v, location));
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    String base =
        fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    Matcher m = FILE_NAME.matcher(base);
    String fileArtifact = m.matches() ? m.group("name") : null;
    String fileVersion = m.matches() ? m.group("version") : null;
    if (manifest != null) {
      Attributes main = manifest.getMainAttributes();
      String symbolic = strip(main.getValue("Bundle-SymbolicName"));
      if (symbolic != null && symbolic.contains(";")) {
        symbolic = symbolic.substring(0, symbolic.indexOf(';')).strip();
      }
      symbolic = identifier(symbolic);
      String title = strip(main.getValue("Implementation-Title"));
      String a = fileArtifact;
      if (a == null) {
        a = symbolic;
      }
      if (a == null && title != null && ARTIFACT.matcher(title).matches()) {
        a = title;
      }
      // A version in the file name wins: it is the Maven coordinate the jar was published under,
      // while manifests carry build strings ("1.8.21-release-380(1.8.21)", "2.0b6 2016-02-05"),
      // OSGi qualifiers ("3.23.100.v20250514-1759") or a stale value (dom4j-1.1.jar says 1.2),
      // which no advisory range names. Syft and osv-scalibr prefer it too (bench/RESULTS.md).
      String v = fileVersion;
      if (v == null) {
        v = strip(main.getValue("Implementation-Version"));
      }
      if (v == null) {
        v = strip(main.getValue("Bundle-Version"));
      }
      String vendorId = identifier(main.getValue("Implementation-Vendor-Id"));
      if (a != null && v != null) {
        // the headers are kept so that the matcher can tell the group when the vendor id is
        // missing or names only the vendor (velocity-1.7.jar says org.apache)
        PackageMetadata.Java java =
            new PackageMetadata.Java(
                vendorId,
                a,
                "MANIFEST.MF",
                sha1,
                symbolic,
                identifier(main.getValue("Automatic-Module-Name")),
                vendorId,
                null);
        return List.of(maven(java, v, location));
      }
    }
    if (fileArtifact != null) {
      return List.of(
          maven(
              new PackageMetadata.Java(null, fileArtifact, "file name", sha1),
              fileVersion,
              location));
    }
    return List.of();
  }

  /** A manifest value usable as a Maven group or name part, else null. */
  private static String identifier(String value) {
    String s = strip(value);
    return s != null && ARTIFACT.matcher(s).matches() ? s : null;
  }

  /**
   * A Maven package named after its metadata's coordinates: {@code groupId:artifactId}, or the bare
   * artifactId when the group is unknown; the purl carries the group as its namespace.
   */
  private static Package maven(PackageMetadata.Java java, String version, Location location) {
    String g = java.groupId();
    String a = java.artifactId();
    return new Package(
        PackageType.MAVEN,
        g == null ? a : g + ":" + a,
        version,
        null,
        null,
        List.of(),
        PackageUrls.of(PackageType.MAVEN, g, a, version, null),
        location,
        java);
  }

  private byte[] readBounded(InputStream in) throws IOException {
    byte[] data = in.readNBytes((int) MAX_METADATA + 1);
    charge(data.length);
    if (data.length > MAX_METADATA) {
      throw new IOException("metadata file larger than " + MAX_METADATA + " bytes");
    }
    return data;
  }

  private void charge(long n) throws BudgetExceeded {
    budget -= n;
    if (budget < 0) {
      throw new BudgetExceeded();
    }
  }

  /** Trimmed, without enclosing double quotes (some manifests quote values: {@code "1.6"}). */
  private static String strip(String s) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1).strip();
    }
    return t.isEmpty() ? null : t;
  }

  /** Thrown when the uncompressed bytes read exceed {@link #MAX_UNCOMPRESSED}. */
  static final class BudgetExceeded extends IOException {
    BudgetExceeded() {
      super("more than " + MAX_UNCOMPRESSED + " uncompressed bytes: not read further");
    }
  }

  /** The nested entry's stream, charging every byte to the budget and never closing the parent. */
  private final class Budgeted extends FilterInputStream {
    Budgeted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        charge(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        charge(n);
      }
      return n;
    }

    @Override
    public void close() {}
  }

  /** Keeps ZipInputStream from closing the stream it reads. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  /** Discards bytes (to finish a digest). */
  private static final class OutputSink extends java.io.OutputStream {
    static final OutputSink INSTANCE = new OutputSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
