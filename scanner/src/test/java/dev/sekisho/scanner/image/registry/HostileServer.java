package dev.sekisho.scanner.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose (never answers, drips, streams
 * forever), for the registry client's time and size limits. It reads each request's head and then
 * runs the behaviour on the connection; it does not parse requests or keep connections alive. Its
 * threads are daemons and every socket times out after 30 s, so it stops by itself.
 */
final class HostileServer implements AutoCloseable {
  /** What to do with one connection once its request head has been read. */
  @FunctionalInterface
  interface Behaviour {
    void serve(String requestHead, InputStream in, OutputStream out) throws Exception;
  }

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  HostileServer(Behaviour behaviour) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                Socket s;
                try {
                  s = server.accept();
                } catch (IOException e) {
                  return;
                }
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s, behaviour), "hostile-connection");
                t.setDaemon(true);
                t.start();
              }
            },
            "hostile-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void serve(Socket s, Behaviour behaviour) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      behaviour.serve(readHead(in), in, s.getOutputStream());
    } catch (Exception e) {
      // the client gave up, as it should
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  /** Never answers: waits until the client closes the connection (or 30 s pass). */
  static void silent(String head, InputStream in, OutputStream out) throws IOException {
    while (in.read() >= 0) {
      // discard
    }
  }

  /** Writes a status line and headers. */
  static void head(OutputStream out, String contentType, long contentLength) throws IOException {
    StringBuilder h = new StringBuilder("HTTP/1.1 200 OK\r\n");
    h.append("Content-Type: ").append(contentType).append("\r\n");
    if (contentLength >= 0) {
      h.append("Content-Length: ").append(contentLength).append("\r\n");
    } else {
      h.append("Connection: close\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Writes {@code chunk} bytes every {@code pauseMillis} ms, at most {@code max} bytes. */
  static void drip(OutputStream out, int chunk, long pauseMillis, long max)
      throws IOException, InterruptedException {
    byte[] bytes = new byte[chunk];
    for (long sent = 0; sent < max; sent += chunk) {
      out.write(bytes);
      out.flush();
      Thread.sleep(pauseMillis);
    }
  }

  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
