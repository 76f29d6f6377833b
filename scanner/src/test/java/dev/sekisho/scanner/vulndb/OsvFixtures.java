package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds OSV records and archives for tests, and serves them over real HTTP on 127.0.0.1. */
public final class OsvFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OsvFixtures() {}

  /** A record builder producing OSV JSON. */
  public static final class Rec {
    private final Map<String, Object> doc = new LinkedHashMap<>();
    private final List<Object> affected = new ArrayList<>();

    private Rec(String id) {
      doc.put("schema_version", "1.6.0");
      doc.put("id", id);
      doc.put("modified", "2026-10-01T00:00:00Z");
      doc.put("published", "2026-09-01T00:00:00Z");
      doc.put("affected", affected);
    }

    public Rec put(String key, Object value) {
      doc.put(key, value);
      return this;
    }

    public Rec aliases(String... ids) {
      return put("aliases", List.of(ids));
    }

    public Rec upstream(String... ids) {
      return put("upstream", List.of(ids));
    }

    /** Record-level severity entries, typed CVSS_V4, CVSS_V3 or (no CVSS:3/4 label) CVSS_V2. */
    public Rec cvss(String... vectors) {
      List<Object> severity = new ArrayList<>();
      for (String vector : vectors) {
        String type =
            vector.startsWith("CVSS:4")
                ? "CVSS_V4"
                : vector.startsWith("CVSS:3") ? "CVSS_V3" : "CVSS_V2";
        severity.add(Map.of("type", type, "score", vector));
      }
      return put("severity", severity);
    }

    /** An affected entry; events as "i:0", "f:1.2", "l:1.5", "m:2.0"; versions may be null. */
    public Rec affected(String ecosystem, String name, List<String> events, List<String> versions) {
      return affected(ecosystem, name, events, versions, null);
    }

    public Rec affected(
        String ecosystem,
        String name,
        List<String> events,
        List<String> versions,
        Map<String, Object> ecosystemSpecific) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("package", Map.of("ecosystem", ecosystem, "name", name));
      if (events != null && !events.isEmpty()) {
        List<Object> evs = new ArrayList<>();
        for (String e : events) {
          String v = e.substring(2);
          String key =
              switch (e.charAt(0)) {
                case 'i' -> "introduced";
                case 'f' -> "fixed";
                case 'l' -> "last_affected";
                default -> "limit";
              };
          evs.add(Map.of(key, v));
        }
        String type = ecosystem.matches("npm|Go|crates\\.io") ? "SEMVER" : "ECOSYSTEM";
        a.put("ranges", List.of(Map.of("type", type, "events", evs)));
      }
      if (versions != null) {
        a.put("versions", versions);
      }
      if (ecosystemSpecific != null) {
        a.put("ecosystem_specific", ecosystemSpecific);
      }
      affected.add(a);
      return this;
    }

    public String id() {
      return (String) doc.get("id");
    }

    public byte[] json() {
      try {
        return JSON.writeValueAsBytes(doc);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static Rec rec(String id) {
    return new Rec(id);
  }

  /** An all.zip archive of the records ({@code <id>.json} entries), plus extra raw entries. */
  public static byte[] zip(List<Rec> records, Map<String, byte[]> extraEntries) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(buf)) {
      for (Rec r : records) {
        z.putNextEntry(new ZipEntry(r.id() + ".json"));
        z.write(r.json());
        z.closeEntry();
      }
      for (var e : extraEntries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return buf.toByteArray();
  }

  /**
   * A static file server on 127.0.0.1 with ETag support (answers 304 to a matching If-None-Match)
   * that counts full downloads per path.
   */
  public static final class FileServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> status = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> downloads = new ConcurrentHashMap<>();
    private final AtomicInteger notModified = new AtomicInteger();

    public FileServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = files.get(path);
            Integer forced = status.get(path);
            if (forced != null || body == null) {
              exchange.sendResponseHeaders(forced != null ? forced : 404, -1);
              exchange.close();
              return;
            }
            String etag = "\"" + sha256(body) + "\"";
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
              notModified.incrementAndGet();
              exchange.sendResponseHeaders(304, -1);
              exchange.close();
              return;
            }
            downloads.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            exchange.getResponseHeaders().add("ETag", etag);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
    }

    public void put(String path, byte[] body) {
      files.put(path, body);
      status.remove(path);
    }

    public void fail(String path, int code) {
      status.put(path, code);
    }

    /** Serves the path's file again after {@link #fail}. */
    public void recover(String path) {
      status.remove(path);
    }

    public URI base() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int downloads(String path) {
      AtomicInteger n = downloads.get(path);
      return n == null ? 0 : n.get();
    }

    public int notModified() {
      return notModified.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }

    private static String sha256(byte[] b) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
