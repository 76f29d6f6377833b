package dev.sekisho.operator.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request and answers 200, or 503 for the
 * first {@link #failNext} requests (a receiver that is down, then recovers).
 */
final class Receiver implements AutoCloseable {
  /** One request as received. */
  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger failNext = new AtomicInteger();
  volatile int failStatus = 503;

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().getPath(),
              Map.copyOf(ex.getRequestHeaders()),
              body));
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        byte[] answer = "receiver down".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(failStatus, answer.length);
        ex.getResponseBody().write(answer);
        return;
      }
      ex.sendResponseHeaders(200, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
