package dev.sekisho.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port on 127.0.0.1 where connections are refused for as long as this is open: for tests of "the
 * server is down". Binding port 0 and closing it again leaves a port any other process may take
 * meanwhile (and then answer); this keeps the port bound by a TCP socket that neither listens nor
 * connects, so the kernel refuses every connection to it and no one else can bind it.
 */
public final class RefusedPort implements AutoCloseable {
  private final Socket socket;

  private RefusedPort(Socket socket) {
    this.socket = socket;
  }

  /** Reserves a port that refuses connections until {@link #close()}. */
  public static RefusedPort open() {
    Socket socket = new Socket();
    try {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusedPort(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot bind a port on 127.0.0.1", e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** {@code SCHEME://127.0.0.1:PORT}. */
  public String url(String scheme) {
    return scheme + "://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing listens on it; the OS releases it
    }
  }
}
