package dev.sekisho.scanner.image.registry;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP transport to registries, below the protocol: one pooled Apache HttpClient 5 (classic,
 * blocking I/O), retries with backoff on 429, 5xx and connection failures (see {@link
 * RetryPolicy}), redirects followed by hand so that the Authorization header never leaves the
 * registry's origin, a request timeout enforced by aborting the request, and TLS with the JDK's
 * trust or the options' CA bundles. Failures name the limit they hit and the option that raises it.
 * Authentication sits above, in {@link RegistryAuth}.
 */
final class RegistryTransport implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
  static final String USER_AGENT = "sekisho";

  private static final int MAX_REDIRECTS = 10;

  /** Connections per registry host: layers are fetched in parallel. */
  private static final int MAX_CONNECTIONS_PER_HOST = 16;

  private final RegistryOptions options;
  private final CloseableHttpClient http;
  private final RegistryClient.Sleeper sleeper;
  private final RetryPolicy retries;

  /** Aborts requests that pass their deadline: one daemon thread, idle but for that. */
  private final ScheduledExecutorService deadlines;

  /** A request to send: GET, or POST of a form when {@code form} is not null. */
  record Request(URI uri, List<Map.Entry<String, String>> headers, String form) {}

  /**
   * A transport with the options' timeouts and CA bundles.
   *
   * @throws ImageAccessException when a CA bundle cannot be read
   */
  RegistryTransport(RegistryOptions options, RegistryClient.Sleeper sleeper)
      throws ImageAccessException {
    this.options = options;
    this.sleeper = sleeper;
    this.retries = new RetryPolicy(options);
    Timeout readTimeout = Timeout.of(options.limits().readTimeout());
    // Redirects and retries are this class's own, authentication RegistryAuth's, so the
    // client's are off; content is never decoded (digests are over the bytes as served).
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setTlsSocketStrategy(
                        options.caBundles().isEmpty()
                            ? new DefaultTlsOnFirstUse()
                            : new DefaultClientTlsStrategy(
                                TlsSettings.context(options.caBundles())))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(options.connectTimeout()))
                            .setSocketTimeout(readTimeout)
                            .build())
                    .setMaxConnPerRoute(MAX_CONNECTIONS_PER_HOST)
                    .setMaxConnTotal(4 * MAX_CONNECTIONS_PER_HOST)
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setAuthenticationEnabled(false)
                    .setResponseTimeout(readTimeout)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .build();
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "sekisho-registry-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.deadlines = timer;
  }

  /** Closes the connections this transport keeps open. */
  @Override
  public void close() {
    deadlines.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      LOG.debug("closing the registry client's connections failed", e);
    }
  }

  /** Whether {@code registry} is reached over plain HTTP. */
  boolean plainHttp(String registry) {
    return options.plainHttpRegistries().contains(registry);
  }

  /**
   * Sends with retries on 429/5xx and connection failures (timeouts included), following redirects.
   * Retries stop at {@link RegistryOptions#maxAttempts()} attempts, and before a wait that would
   * end after {@link RegistryLimits#retryTimeout()} from the first attempt.
   */
  RegistryReply sendWithRetries(Request request, String what) throws ImageAccessException {
    int max = options.maxAttempts();
    long start = System.nanoTime();
    long budget = options.limits().retryTimeout().toNanos();
    for (int attempt = 1; ; attempt++) {
      RegistryReply resp;
      try {
        resp = sendFollowingRedirects(request, what);
      } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
        // Not transient: retrying cannot make an untrusted certificate trusted.
        throw untrusted(request.uri(), what, e);
      } catch (IOException e) {
        Duration wait = RetryPolicy.backoff(attempt);
        String stop = retries.stopRetrying(attempt, max, start, budget, wait);
        if (stop != null) {
          throw new ImageAccessException(
              isTimeout(e) ? Reason.TIMEOUT : Reason.IO,
              "cannot fetch "
                  + what
                  + " after "
                  + RetryPolicy.attempts(attempt)
                  + stop
                  + ": "
                  + explain(e),
              e);
        }
        LOG.debug("retrying what={} attempt={} wait={} error={}", what, attempt, wait, explain(e));
        pause(wait, what);
        continue;
      }
      int status = resp.statusCode();
      if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
        Duration retryAfter = retries.retryAfter(resp.header("Retry-After").orElse(null));
        String errors = resp.errorText();
        Duration wait = retryAfter != null ? retryAfter : RetryPolicy.backoff(attempt);
        String stop = retries.stopRetrying(attempt, max, start, budget, wait);
        if (stop != null) {
          throw new ImageAccessException(
              Reason.UNAVAILABLE,
              (status == 429 ? "rate limited (HTTP 429)" : "server error (HTTP " + status + ")")
                  + " fetching "
                  + what
                  + ", gave up after "
                  + RetryPolicy.attempts(attempt)
                  + stop
                  + errors);
        }
        LOG.info(
            "registry answered {}; retrying what={} attempt={} wait={}",
            status,
            what,
            attempt,
            wait);
        pause(wait, what);
        continue;
      }
      return resp;
    }
  }

  private static boolean isTimeout(IOException e) {
    return e instanceof InterruptedIOException;
  }

  /**
   * A failure for an error message; a timeout says which limit it hit, its value and the option
   * that raises it.
   */
  String explain(IOException e) {
    RegistryLimits limits = options.limits();
    if (e instanceof DeadlineExceeded) {
      return e.getMessage();
    }
    if (e instanceof ConnectTimeoutException) {
      return "no connection within "
          + RegistryLimits.format(options.connectTimeout())
          + " (the registry connect timeout; sekisho --registry-connect-timeout raises it): "
          + describe(e);
    }
    if (e instanceof SocketTimeoutException) {
      return "no data for "
          + RegistryLimits.format(limits.readTimeout())
          + " (the registry read timeout; sekisho --registry-read-timeout raises it)";
    }
    return describe(e);
  }

  /** An attempt passed the request timeout and was aborted. */
  private static final class DeadlineExceeded extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
      super(message);
    }
  }

  private static ImageAccessException untrusted(URI uri, String what, SSLException e) {
    String host = uri.getRawAuthority();
    return new ImageAccessException(
        Reason.UNTRUSTED,
        "cannot fetch "
            + what
            + ": the TLS certificate of "
            + host
            + " is not trusted or does not name that host ("
            + rootMessage(e)
            + "); if the registry uses a private certificate authority, add its CA certificate"
            + " (PEM) to the trusted CA bundles (sekisho --ca-file)",
        e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private RegistryReply sendFollowingRedirects(Request request, String what) throws IOException {
    Request current = request;
    long deadline = System.nanoTime() + options.limits().requestTimeout().toNanos();
    for (int hop = 0; ; hop++) {
      RegistryReply resp = send(current, what, deadline);
      int status = resp.statusCode();
      Optional<String> location = resp.header("Location");
      if (!(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          || location.isEmpty()) {
        return resp;
      }
      resp.close();
      if (hop >= MAX_REDIRECTS) {
        throw new IOException("too many redirects from " + request.uri());
      }
      URI next = current.uri().resolve(location.get());
      // credentials follow a redirect only to the same origin: same scheme (never from HTTPS down
      // to plain HTTP) and same host and port
      boolean sameHost =
          next.getScheme() != null
              && next.getScheme().equalsIgnoreCase(request.uri().getScheme())
              && java.util.Objects.equals(next.getRawAuthority(), request.uri().getRawAuthority());
      List<Map.Entry<String, String>> headers =
          current.headers().stream()
              .filter(h -> sameHost || !h.getKey().equalsIgnoreCase("Authorization"))
              .toList();
      current = new Request(next, headers, null);
    }
  }

  /**
   * Sends one request; the reply's body is open until read to its end or closed. The request is
   * aborted at {@code deadline} (a {@link System#nanoTime()}) unless the reply is {@link
   * RegistryReply#disarm() disarmed} first.
   */
  private RegistryReply send(Request request, String what, long deadline) throws IOException {
    HttpUriRequestBase http;
    if (request.form() == null) {
      http = new HttpGet(request.uri());
    } else {
      HttpPost post = new HttpPost(request.uri());
      post.setEntity(new StringEntity(request.form(), ContentType.APPLICATION_FORM_URLENCODED));
      http = post;
    }
    request.headers().forEach(h -> http.addHeader(h.getKey(), h.getValue()));
    RegistryReply.Deadline timer =
        new RegistryReply.Deadline(http, request.uri(), what, options.limits().requestTimeout());
    timer.arm(deadlines, deadline);
    try {
      return new RegistryReply(http, this.http.executeOpen(null, http, null), timer, this);
    } catch (IOException | RuntimeException e) {
      timer.disarm();
      if (timer.expired()) {
        DeadlineExceeded d = new DeadlineExceeded(timer.message());
        d.initCause(e);
        throw d;
      }
      throw e;
    }
  }

  void pause(Duration wait, String what) throws ImageAccessException {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageAccessException(Reason.IO, "interrupted while waiting to retry " + what, e);
    }
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * TLS with the JDK's default trust, set up on the first HTTPS connection: loading the default CA
   * certificates takes about 0.2 s of start-up, which a plain-HTTP registry (given with
   * --insecure-registry) never needs. With CA bundles, the context is built at once instead, so
   * that an unreadable bundle is reported before anything is fetched.
   */
  private static final class DefaultTlsOnFirstUse implements TlsSocketStrategy {
    private TlsSocketStrategy delegate;

    @Override
    public SSLSocket upgrade(
        Socket socket, String target, int port, Object attachment, HttpContext context)
        throws IOException {
      return delegate().upgrade(socket, target, port, attachment, context);
    }

    private synchronized TlsSocketStrategy delegate() throws SSLException {
      if (delegate == null) {
        try {
          delegate = new DefaultClientTlsStrategy(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
          throw new SSLException("cannot set up TLS: " + e.getMessage(), e);
        }
      }
      return delegate;
    }
  }
}
