package dev.sekisho.operator.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The sinks' HTTP transport: sends one request with a timeout and turns anything but a 2xx answer
 * into a {@link DeliveryException} (permanent for a 4xx other than 408 and 429).
 */
final class JsonHttp {
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
    HttpResponse<String> response;
    try {
      response =
          client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException(what + ": interrupted", e);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response.body();
    }
    boolean permanent = status / 100 == 4 && status != 408 && status != 429;
    String body = response.body() == null ? "" : response.body().strip();
    throw new DeliveryException(
        what
            + ": HTTP "
            + status
            + (body.isEmpty()
                ? ""
                : ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)),
        permanent);
  }
}
