package dev.sekisho.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.scanapi.ScanAnswer;
import dev.sekisho.scanner.scanapi.ScanApi;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client of the operator's scan API: {@code POST {server}/api/v1/namespaces/{ns}/scans} with the
 * ServiceAccount token as bearer. Every failure becomes a message that says which server, what
 * happened and what to do; none is retried into a false pass.
 *
 * <p>Three failures are passing states of a healthy install, not verdicts, and are retried with
 * exponential backoff for up to {@code wait} (the {@code --server-wait} option): a refused or
 * timed-out connection (the operator's pod restarting, its Service without endpoints yet), a
 * connection closed before any answer (the operator killed while it handled the scan) and HTTP 503
 * (the operator's database still loading; its {@code Retry-After} is honoured). Repeating the POST
 * is safe: a submission is idempotent (the same image digest in the same PipelineRun stores the
 * same report and updates the same ScanResult), so one that was cut off halfway is completed, not
 * duplicated. Past {@code wait} the step fails closed with the last error.
 */
final class ScanApiClient {
  private final URI server;
  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json;

  private final List<Path> caBundles;
  private final Duration wait;
  private final Duration firstBackoff;
  private final PrintWriter log;

  /** Longest single pause between two attempts. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  /**
   * @param caBundles PEM files whose certificates are the trust anchors; empty for the system trust
   *     store
   */
  ScanApiClient(URI server, List<Path> caBundles, Duration timeout, ObjectMapper json) {
    this(server, caBundles, timeout, Duration.ZERO, Duration.ofSeconds(1), null, json);
  }

  /**
   * @param wait how long to keep retrying a refused connection or a 503; zero for one attempt
   * @param firstBackoff the first pause between attempts (doubled each time, at most {@link
   *     #MAX_BACKOFF})
   * @param log receives one line per retry; null for none
   */
  ScanApiClient(
      URI server,
      List<Path> caBundles,
      Duration timeout,
      Duration wait,
      Duration firstBackoff,
      PrintWriter log,
      ObjectMapper json) {
    this.caBundles = List.copyOf(caBundles);
    this.wait = wait;
    this.firstBackoff = firstBackoff;
    this.log = log;
    this.server = server;
    this.timeout = timeout;
    this.json = json;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1);
    if (!caBundles.isEmpty()) {
      builder.sslContext(trusting(caBundles));
    }
    this.http = builder.build();
  }

  /** Posts {@code request} and reads the answer, retrying while the scan API is not ready. */
  ScanAnswer submit(String namespace, String token, ScanSubmission request) {
    long deadline = System.nanoTime() + wait.toNanos();
    Duration backoff = firstBackoff;
    int attempt = 1;
    while (true) {
      try {
        return attempt(namespace, token, request);
      } catch (NotReady e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new Unavailable(
              e.getMessage()
                  + (attempt > 1
                      ? " (gave up after "
                          + attempt
                          + " attempts in "
                          + wait.toSeconds()
                          + "s, --server-wait)"
                      : ""),
              e.getCause());
        }
        Duration pause = e.retryAfter != null ? e.retryAfter : backoff;
        pause = min(min(pause, MAX_BACKOFF), Duration.ofNanos(left));
        if (log != null) {
          log.printf(
              "sekisho: %s; attempt %d, retrying in %ds (waiting up to %ds, --server-wait)%n",
              e.getMessage(), attempt, Math.max(1, pause.toSeconds()), wait.toSeconds());
          log.flush();
        }
        sleep(pause);
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        attempt++;
      }
    }
  }

  /**
   * The scan API could not be reached, did not answer in time, or answered 5xx: the only failures
   * {@code --fail-open} may pass over. A refused token or ServiceAccount (401/403: a missing
   * RoleBinding would otherwise switch the gate off for good without anyone noticing), a TLS
   * failure (which may be an interception) and an answer that is not one (no verdict, not JSON)
   * stay errors whatever the flag says.
   */
  static final class Unavailable extends InfrastructureException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A failure worth retrying: nothing was created on the server. */
  private static final class NotReady extends RuntimeException {
    final Duration retryAfter;

    NotReady(String message, Throwable cause, Duration retryAfter) {
      super(message, cause);
      this.retryAfter = retryAfter;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting to retry the scan API", e);
    }
  }

  /** Retry-After in seconds (the HTTP-date form is not worth parsing here); null when absent. */
  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::strip)
        .filter(v -> v.matches("[0-9]{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)))
        .orElse(null);
  }

  private ScanAnswer attempt(String namespace, String token, ScanSubmission request) {
    URI uri = server.resolve("/" + ScanApi.path(namespace));
    HttpRequest post;
    try {
      post =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .header("Authorization", "Bearer " + token)
              .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(request)))
              .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UserInputException("cannot build the request to " + uri + ": " + e.getMessage(), e);
    }
    HttpResponse<String> response;
    try {
      response = http.send(post, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw new NotReady(
          "cannot reach the Sekisho scan API at "
              + server
              + ": the connection timed out (is the operator running? check the SERVER param and"
              + " the sekisho-scan-api Service)",
          e,
          null);
    } catch (HttpTimeoutException e) {
      throw new Unavailable(
          "the Sekisho scan API at "
              + server
              + " did not answer within "
              + timeout.toSeconds()
              + "s (--server-timeout)",
          e);
    } catch (ConnectException e) {
      throw new NotReady(
          "cannot reach the Sekisho scan API at "
              + server
              + ": connection refused or unreachable (is the operator running? check the SERVER"
              + " param and the sekisho-scan-api Service)",
          e,
          null);
    } catch (SSLException e) {
      throw new InfrastructureException(
          "TLS with the Sekisho scan API at "
              + server
              + " failed: "
              + e.getMessage()
              + (caBundles.isEmpty()
                  ? " (no CA bundle is mounted: the operator publishes its CA in the ConfigMap"
                      + " sekisho-scan-api-ca, which the scan-image Task mounts; or give the CA"
                      + " that signed its certificate with --server-ca)"
                  : " (trusted CA bundles: "
                      + caBundles
                      + "; give the CA that signed its certificate with --server-ca)"),
          e);
    } catch (IOException e) {
      // the connection was closed or reset before an answer: the operator died or restarted
      // while it handled the scan
      throw new NotReady(
          "the Sekisho scan API at "
              + server
              + " closed the connection before answering ("
              + e
              + "; did the operator restart?)",
          e,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for " + server, e);
    }
    String error = errorMessage(response.body());
    return switch (response.statusCode()) {
      case 200, 201 -> parse(response.body(), uri);
      case 400 -> throw new UserInputException("the scan API refused the scan: " + error);
      case 401 ->
          throw new InfrastructureException(
              "the scan API at " + server + " did not accept the ServiceAccount token: " + error);
      case 403 ->
          throw new InfrastructureException(
              "the scan API at " + server + " refused this ServiceAccount: " + error);
      case 503 ->
          throw new NotReady(
              "the scan API at " + server + " is not ready: " + error, null, retryAfter(response));
      default -> {
        String message =
            "the scan API at " + server + " answered HTTP " + response.statusCode() + ": " + error;
        throw response.statusCode() >= 500
            ? new Unavailable(message, null)
            : new InfrastructureException(message);
      }
    };
  }

  private ScanAnswer parse(String body, URI uri) {
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (IOException e) {
      throw new InfrastructureException("the scan API at " + uri + " answered non-JSON: " + e, e);
    }
    if (node == null || !node.hasNonNull("verdict")) {
      throw new InfrastructureException("the scan API at " + uri + " answered without a verdict");
    }
    try {
      return json.treeToValue(node, ScanAnswer.class);
    } catch (IOException e) {
      throw new InfrastructureException(
          "the scan API at " + uri + " answered outside the scan API contract: " + e.getMessage(),
          e);
    }
  }

  private String errorMessage(String body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.hasNonNull("error")) {
        return node.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: show the text
    }
    String text = body == null ? "" : body.strip();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static SSLContext trusting(List<Path> pems) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Path pem : pems) {
        int before = i;
        try (InputStream in = Files.newInputStream(pem)) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            store.setCertificateEntry("ca-" + i++, c);
          }
        } catch (IOException e) {
          throw new UserInputException(
              "cannot read the CA bundle " + pem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
          throw new UserInputException(
              "the CA bundle " + pem + " is not valid: " + e.getMessage(), e);
        }
        if (i == before) {
          throw new UserInputException("the CA bundle " + pem + " holds no PEM certificate");
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }
}
