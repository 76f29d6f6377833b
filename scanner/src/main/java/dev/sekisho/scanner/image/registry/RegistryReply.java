package dev.sekisho.scanner.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ManifestDocument;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A registry's answer with its body open. Reading the body to its end returns the connection to the
 * pool; closing it earlier aborts the connection (rather than reading the rest of a large blob).
 * Reads that pass the request timeout or the read timeout fail naming the limit.
 */
final class RegistryReply implements Closeable {
  private static final int MAX_ERROR_BYTES = 64 << 10;

  private final HttpUriRequestBase request;
  private final ClassicHttpResponse response;
  private final Deadline deadline;
  private final RegistryTransport transport;
  private InputStream body;

  RegistryReply(
      HttpUriRequestBase request,
      ClassicHttpResponse response,
      Deadline deadline,
      RegistryTransport transport) {
    this.request = request;
    this.response = response;
    this.deadline = deadline;
    this.transport = transport;
  }

  /** Lifts the request timeout: the body may take longer (a layer). */
  void disarm() {
    deadline.disarm();
  }

  /** A failure reading the body, saying which time limit it hit, if any. */
  private IOException failed(IOException e) {
    if (deadline.expired()) {
      return new ImageAccessException(
          Reason.TIMEOUT, "cannot read " + deadline.what + ": " + deadline.message(), e);
    }
    if (e instanceof SocketTimeoutException) {
      return new ImageAccessException(
          Reason.TIMEOUT, "cannot read " + deadline.what + ": " + transport.explain(e), e);
    }
    return e;
  }

  int statusCode() {
    return response.getCode();
  }

  Optional<String> header(String name) {
    Header h = response.getFirstHeader(name);
    return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
  }

  List<String> allHeaders(String name) {
    List<String> values = new ArrayList<>();
    for (Header h : response.getHeaders(name)) {
      values.add(h.getValue());
    }
    return values;
  }

  InputStream body() throws IOException {
    if (body == null) {
      HttpEntity entity = response.getEntity();
      InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
      body =
          new FilterInputStream(content) {
            private boolean ended;

            @Override
            public int read() throws IOException {
              int b;
              try {
                b = in.read();
              } catch (IOException e) {
                throw failed(e);
              }
              ended |= b < 0;
              return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n;
              try {
                n = in.read(b, off, len);
              } catch (IOException e) {
                throw failed(e);
              }
              ended |= n < 0;
              return n;
            }

            @Override
            public void close() throws IOException {
              deadline.disarm();
              if (!ended) {
                request.cancel();
              }
              IOException failure = null;
              try {
                in.close();
              } catch (IOException e) {
                failure = e;
              }
              try {
                response.close();
              } catch (IOException e) {
                failure = failure == null ? e : failure;
              }
              // before the end, the connection was aborted on purpose (or had failed already)
              if (failure != null && ended) {
                throw failure;
              }
            }
          };
    }
    return body;
  }

  @Override
  public void close() throws IOException {
    body().close();
  }

  /**
   * The registry's error list (": CODE: message; …"), or "" when there is none; closes the body.
   */
  String errorText() {
    try (InputStream in = body()) {
      byte[] body = in.readNBytes(MAX_ERROR_BYTES);
      if (body.length == 0) {
        return "";
      }
      List<String> parts = new ArrayList<>();
      try {
        JsonNode json = ManifestDocument.JSON.readTree(body);
        for (JsonNode e : json.path("errors")) {
          parts.add(e.path("code").asText("") + ": " + e.path("message").asText(""));
        }
        if (parts.isEmpty() && json.has("details")) {
          parts.add(json.path("details").asText());
        }
      } catch (IOException e) {
        // not JSON: use it as text
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty()) {
          parts.add(text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
      }
      return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  /** The body, read whole and closed; more than {@code max} bytes is refused. */
  byte[] readLimited(int max, String what) throws ImageAccessException {
    try (InputStream in = body()) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        throw new ImageAccessException(
            Reason.INVALID, what + " is larger than the limit of " + max + " bytes: rejected");
      }
      return bytes;
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(
          Reason.IO, "cannot read " + what + ": " + RegistryTransport.describe(e), e);
    }
  }

  /** Aborts one request when it passes the request timeout, and remembers that it did. */
  static final class Deadline {
    private final HttpUriRequestBase request;
    private final URI uri;
    private final String what;
    private final Duration timeout;
    private volatile boolean expired;
    private volatile ScheduledFuture<?> task;

    Deadline(HttpUriRequestBase request, URI uri, String what, Duration timeout) {
      this.request = request;
      this.uri = uri;
      this.what = what;
      this.timeout = timeout;
    }

    /** Aborts the request at {@code deadline} (a {@link System#nanoTime()}) on {@code timer}. */
    void arm(ScheduledExecutorService timer, long deadline) {
      long delay = Math.max(0, deadline - System.nanoTime());
      try {
        task =
            timer.schedule(
                () -> {
                  expired = true;
                  request.cancel();
                },
                delay,
                TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the client is closed: the request fails on its closed connection pool
      }
    }

    void disarm() {
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }

    boolean expired() {
      return expired;
    }

    String message() {
      return "no complete answer from "
          + uri.getRawAuthority()
          + " within "
          + RegistryLimits.format(timeout)
          + " (the registry request timeout; sekisho --registry-request-timeout raises it)";
    }
  }
}
