package dev.sekisho.scanner.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A database download that stalls in its body, or never ends, fails instead of hanging. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchiveCacheLimitsTest {
  @TempDir Path dir;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // declares 1,000 bytes, sends 10, then holds the connection open
    server.createContext(
        "/stall.zip",
        exchange -> {
          exchange.sendResponseHeaders(200, 1000);
          OutputStream out = exchange.getResponseBody();
          out.write(new byte[10]);
          out.flush();
          try {
            release.await(50, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    // sends 5,000 bytes, chunked (no length declared)
    server.createContext(
        "/big.zip",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(new byte[5000]);
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private ArchiveCache cache(ArchiveCache.Limits limits) {
    return new ArchiveCache(dir.resolve("cache"), HttpClient.newHttpClient(), limits);
  }

  @Test
  void aBodyThatStallsFailsAfterTheReadTimeoutAndLeavesNoPartialFile() throws IOException {
    ArchiveCache cache = cache(new ArchiveCache.Limits(Duration.ofSeconds(1), 1 << 20));
    assertThatThrownBy(() -> cache.fetch(url("/stall.zip"), "osv-stall.zip"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot download " + url("/stall.zip"))
        .hasMessageContaining("no data for 1 s")
        .hasMessageContaining("-Dsekisho.db.readTimeout=SECONDS");
    try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aBodyLargerThanTheLimitFails() throws IOException {
    ArchiveCache cache = cache(new ArchiveCache.Limits(Duration.ofSeconds(30), 1000));
    assertThatThrownBy(() -> cache.fetch(url("/big.zip"), "osv-big.zip"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("larger than 1000 bytes")
        .hasMessageContaining("-Dsekisho.db.maxDownload=SIZE");
    try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
      assertThat(files).isEmpty();
    }
    ArchiveCache.Cached ok =
        cache(new ArchiveCache.Limits(Duration.ofSeconds(30), 5000))
            .fetch(url("/big.zip"), "osv-big.zip");
    assertThat(Files.size(ok.file())).isEqualTo(5000);
  }
}
