package dev.sekisho.operator.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sinks' HTTP transport: sends one request with a timeout and turns anything but a 2xx answer
 * into a {@link DeliveryException} (permanent for a 4xx other than 408 and 429).
 */
final class JsonHttp {
  /** Largest answer read (a Jira search of one issue is a few KiB). */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(JsonHttp.class);

  private final HttpClient client;
  private final Duration timeout;

  JsonHttp(HttpClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  static JsonHttp standard() {
    return new JsonHttp(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        Duration.ofSeconds(10));
  }

  /**
   * @param what the request for error messages, without secrets (e.g. "POST /rest/api/2/issue")
   */
  String send(HttpRequest.Builder request, String what) throws DeliveryException {
    HttpResponse<InputStream> response;
    byte[] bytes;
    try {
      response =
          client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
      }
    } catch (IOException e) {
      throw new DeliveryException(what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(what + ": interrupted", e);
    }
    int status = response.statusCode();
    if (bytes.length > MAX_ANSWER_BYTES) {
      throw new DeliveryException(
          what + ": HTTP " + status + " with an answer over " + MAX_ANSWER_BYTES + " bytes", false);
    }
    String body = new String(bytes, StandardCharsets.UTF_8);
    if (status / 100 == 2) {
      return body;
    }
    boolean permanent = status / 100 == 4 && status != 408 && status != 429;
    // the answer's text stays in the operator's log: the message reaches the ScanNotifier's
    // status, which its namespace can read, and the destination may be any service the operator
    // can reach
    LOG.debug("{}: HTTP {}: {}", what, status, body.length() > 300 ? body.substring(0, 300) : body);
    throw new DeliveryException(what + ": HTTP " + status, permanent);
  }
}
