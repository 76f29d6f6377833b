package dev.sekisho.scanner.vulndb;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads source files into a cache directory and keeps their ETag and sha256 beside them, so a
 * re-run asks the server only for what changed ({@code If-None-Match}) and an interrupted update
 * resumes with the archives it already has. A cached file whose digest no longer matches its record
 * is fetched again.
 */
final class ArchiveCache {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveCache.class);

  /** A file in the cache. */
  record Cached(Path file, String digest, String etag, boolean downloaded) {}

  private final Path dir;
  private final HttpClient http;

  ArchiveCache(Path dir, HttpClient http) {
    this.dir = dir;
    this.http = http;
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
      in.transferTo(out);
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
