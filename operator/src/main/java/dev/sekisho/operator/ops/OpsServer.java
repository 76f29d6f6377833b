package dev.sekisho.operator.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A plain-HTTP server for probes and metrics: each path maps to a supplier of a {@link Reply}. Runs
 * on the JDK's built-in server with its own single thread, so a busy scan API never delays a
 * liveness probe.
 */
public final class OpsServer implements AutoCloseable {
  /**
   * One answer.
   *
   * @param status HTTP status
   * @param contentType content type
   * @param body body
   */
  public record Reply(int status, String contentType, String body) {
    public static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body);
    }
  }

  private final HttpServer server;

  public OpsServer(InetSocketAddress address, Map<String, Supplier<Reply>> routes)
      throws IOException {
    server = HttpServer.create(address, 16);
    routes.forEach((path, supplier) -> server.createContext(path, e -> serve(e, path, supplier)));
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void serve(HttpExchange exchange, String path, Supplier<Reply> supplier)
      throws IOException {
    try (exchange) {
      Reply reply;
      if (!exchange.getRequestURI().getPath().equals(path)) {
        reply = Reply.text(404, "not found\n");
      } else {
        try {
          reply = supplier.get();
        } catch (RuntimeException e) {
          reply = Reply.text(500, e.toString() + "\n");
        }
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
