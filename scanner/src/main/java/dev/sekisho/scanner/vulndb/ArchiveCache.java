package dev.sekisho.scanner.vulndb;

import dev.sekisho.scanner.layer.SpillLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads source files into a cache directory and keeps their ETag and sha256 beside them, so a
 * re-run asks the server only for what changed ({@code If-None-Match}) and an interrupted update
 * resumes with the archives it already has. A cached file whose digest no longer matches its record
 * is fetched again.
 */
final class ArchiveCache {
  /**
   * Limits on one download. The JDK client's request timeout ends when the headers arrive, so a
   * server that stalls in the body, or sends without end, would otherwise hold an update (and the
   * operator's refresh) for ever or fill the disk.
   *
   * @param stall longest time without a byte of the body (default 60 s)
   * @param maxBytes largest file (default 4 GiB; the OSV archive of every ecosystem is far below)
   */
  record Limits(Duration stall, long maxBytes) {
    static final String STALL_PROPERTY = "sekisho.db.readTimeout";
    static final String MAX_BYTES_PROPERTY = "sekisho.db.maxDownload";
    static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), 4L << 30);

    /**
     * The defaults, overridden by {@value #STALL_PROPERTY} (seconds) and {@value
     * #MAX_BYTES_PROPERTY}.
     */
    static Limits fromSystemProperties() {
      Duration stall = DEFAULT.stall;
      long max = DEFAULT.maxBytes;
      String v = System.getProperty(STALL_PROPERTY);
      if (v != null && !v.isBlank()) {
        try {
          stall = Duration.ofSeconds(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "invalid -D" + STALL_PROPERTY + "=" + v + ": expected whole seconds", e);
        }
      }
      v = System.getProperty(MAX_BYTES_PROPERTY);
      if (v != null && !v.isBlank()) {
        try {
          max = SpillLimits.parseSize(v);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "invalid -D" + MAX_BYTES_PROPERTY + "=" + v + ": expected a size such as 8g", e);
        }
      }
      return new Limits(stall, max);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveCache.class);

  /** A file in the cache. */
  record Cached(Path file, String digest, String etag, boolean downloaded) {}

  private final Path dir;
  private final HttpClient http;
  private final Limits limits;

  ArchiveCache(Path dir, HttpClient http, Limits limits) {
    this.dir = dir;
    this.http = http;
    this.limits = limits;
  }

  Cached fetch(URI url, String cacheName) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(cacheName);
    Path metaFile = dir.resolve(cacheName + ".meta");
    Properties meta = new Properties();
    if (Files.isRegularFile(file) && Files.isRegularFile(metaFile)) {
      try (InputStream in = Files.newInputStream(metaFile)) {
        meta.load(in);
      }
      if (!digest(file).equals(meta.getProperty("digest"))) {
        LOG.warn("cached file {} does not match its recorded digest; fetching it again", file);
        meta.clear();
      }
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET();
    String etag = meta.getProperty("etag");
    if (etag != null) {
      req.header("If-None-Match", etag);
    }
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    } catch (IOException e) {
      // the JDK client's connect failures often carry no message: name the exception instead
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new IOException("cannot fetch " + url + ": " + why, e);
    }
    if (resp.statusCode() == 304 && etag != null) {
      resp.body().close();
      LOG.debug("not modified url={}", url);
      return new Cached(file, meta.getProperty("digest"), etag, false);
    }
    if (resp.statusCode() != 200) {
      resp.body().close();
      throw new IOException("cannot fetch " + url + ": HTTP " + resp.statusCode());
    }
    Path tmp = Files.createTempFile(dir, cacheName, ".part");
    String digest;
    try (InputStream body = resp.body();
        DigestInputStream in = new DigestInputStream(body, sha256());
        OutputStream out = Files.newOutputStream(tmp)) {
      copy(url, body, in, out);
      digest = "sha256:" + HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("cannot download " + url + ": " + e.getMessage(), e);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    String newEtag = resp.headers().firstValue("ETag").orElse(null);
    Properties m = new Properties();
    m.setProperty("url", url.toString());
    m.setProperty("digest", digest);
    if (newEtag != null) {
      m.setProperty("etag", newEtag);
    }
    Path metaTmp = Files.createTempFile(dir, cacheName, ".meta.part");
    try (OutputStream out = Files.newOutputStream(metaTmp)) {
      m.store(out, null);
    }
    Files.move(
        metaTmp, metaFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("downloaded url={} digest={}", url, digest);
    return new Cached(file, digest, newEtag, true);
  }

  /**
   * Copies the body under {@link #limits}: a watchdog closes the body when no byte came for the
   * stall time (closing the JDK client's body stream ends a blocked read), and the copy fails when
   * the file grows past the size limit.
   */
  private void copy(URI url, InputStream body, InputStream in, OutputStream out)
      throws IOException {
    long stallNanos = limits.stall().toNanos();
    AtomicLong lastByte = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    Thread watchdog =
        Thread.ofVirtual()
            .name("sekisho-download-watchdog")
            .start(
                () -> {
                  try {
                    while (true) {
                      long idle = System.nanoTime() - lastByte.get();
                      if (idle >= stallNanos) {
                        stalled.set(true);
                        body.close();
                        return;
                      }
                      Thread.sleep(Math.max(1, (stallNanos - idle) / 1_000_000));
                    }
                  } catch (InterruptedException | IOException e) {
                    // the copy ended first, or the body is gone anyway
                  }
                });
    try {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        lastByte.set(System.nanoTime());
        total += n;
        if (total > limits.maxBytes()) {
          throw new IOException(
              "it is larger than "
                  + SpillLimits.describe(limits.maxBytes())
                  + " (the download limit; SEKISHO_JAVA_OPTS=-D"
                  + Limits.MAX_BYTES_PROPERTY
                  + "=SIZE raises it)");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      if (!stalled.get()) {
        throw e;
      }
    } finally {
      watchdog.interrupt();
    }
    if (stalled.get()) {
      throw new IOException(
          "no data for "
              + limits.stall().toSeconds()
              + " s (the download read timeout; SEKISHO_JAVA_OPTS=-D"
              + Limits.STALL_PROPERTY
              + "=SECONDS raises it)");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** sha256 of a file, or of a directory's regular files in path order (names and contents). */
  static String digest(Path path) throws IOException {
    MessageDigest md = sha256();
    if (Files.isDirectory(path)) {
      try (var files = Files.walk(path)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          md.update(
              path.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update((byte) 0);
          update(md, f);
        }
      }
    } else {
      update(md, path);
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  private static void update(MessageDigest md, Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
  }
}
