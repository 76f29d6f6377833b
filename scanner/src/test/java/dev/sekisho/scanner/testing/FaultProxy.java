package dev.sekisho.scanner.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault injector in front of a real registry (not a registry itself): forwards every request to
 * the upstream and can answer the first requests with an error status, or flip a byte in blob
 * bodies. Binds 127.0.0.1 on a random port.
 */
public final class FaultProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI upstream;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus;
  private volatile String retryAfter;
  private volatile String tamperBlob;
  public final List<String> requests = new CopyOnWriteArrayList<>();

  public FaultProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code count} requests get {@code status} (with Retry-After when not null). */
  public void fail(int count, int status, String retryAfterValue) {
    failureStatus = status;
    retryAfter = retryAfterValue;
    failuresLeft.set(count);
  }

  /** Flips one byte in the body of the blob with this digest. */
  public void tamper(String digest) {
    tamperBlob = digest;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path =
          ex.getRequestURI().getRawPath()
              + (ex.getRequestURI().getRawQuery() == null
                  ? ""
                  : "?" + ex.getRequestURI().getRawQuery());
      requests.add(ex.getRequestMethod() + " " + path);
      if (failuresLeft.getAndDecrement() > 0) {
        if (retryAfter != null) {
          ex.getResponseHeaders().add("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(failureStatus, -1);
        return;
      }
      HttpRequest.Builder b =
          HttpRequest.newBuilder(upstream.resolve(path))
              .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      for (String h : List.of("Authorization", "Accept")) {
        String v = ex.getRequestHeaders().getFirst(h);
        if (v != null) {
          b.header(h, v);
        }
      }
      HttpResponse<byte[]> resp;
      try {
        resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      for (String h :
          List.of("Content-Type", "Docker-Content-Digest", "WWW-Authenticate", "Location")) {
        resp.headers().allValues(h).forEach(v -> ex.getResponseHeaders().add(h, v));
      }
      byte[] body = resp.body();
      if (tamperBlob != null && path.endsWith("/blobs/" + tamperBlob) && body.length > 100) {
        body = body.clone();
        body[body.length / 2] ^= 0x01;
      }
      ex.sendResponseHeaders(resp.statusCode(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
