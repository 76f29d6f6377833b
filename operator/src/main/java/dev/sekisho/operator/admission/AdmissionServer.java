package dev.sekisho.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sekisho.operator.admission.AdmissionDecider.Decision;
import dev.sekisho.operator.admission.AdmissionDecider.Image;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validating admission webhook over HTTPS: {@code POST /validate} takes an {@code
 * admission.k8s.io/v1} AdmissionReview and answers one, decided by {@link AdmissionDecider} from
 * the caches. It has its own port and threads, apart from the scan API: the API server calls it
 * without a bearer token (the scan API authenticates every caller), its certificate must name the
 * webhook Service, and a burst of scans must never delay an admission past its short timeout.
 *
 * <p>Answers 503 until the caches have listed every ScanResult and policy: the API server then
 * applies the webhook's failurePolicy, so an operator that has just started neither admits what it
 * should refuse (fail-closed) nor refuses what it would admit. A body that is not an
 * AdmissionReview is a 400 naming the problem. A dry run is decided the same way (sideEffects:
 * None); it is logged and counted apart.
 */
public final class AdmissionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);

  /** The webhook's path. */
  public static final String PATH = "/validate";

  /** Largest AdmissionReview accepted: an object and its old copy, each at most etcd's 1.5 MiB. */
  static final int MAX_BODY = 4 << 20;

  private final HttpsServer server;
  private final ExecutorService executor;

  /** Decides a review's images ({@link AdmissionDecider#decide}). */
  @FunctionalInterface
  public interface Decider {
    Decision decide(String namespace, List<Image> images, java.time.Instant now);
  }

  private final Decider decider;
  private final BooleanSupplier ready;
  private final ObjectMapper json;
  private final MeterRegistry meters;
  private final Clock clock;

  public AdmissionServer(
      InetSocketAddress address,
      SSLContext tls,
      Decider decider,
      BooleanSupplier ready,
      ObjectMapper json,
      MeterRegistry meters,
      Clock clock)
      throws IOException {
    this.decider = decider;
    this.ready = ready;
    this.json = json;
    this.meters = meters;
    this.clock = clock;
    server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    // a virtual thread per exchange: a client that sends its body slowly parks one cheap thread
    // instead of holding one of a few workers every other review waits for (the decision itself
    // only reads caches)
    executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("admission-", 0).factory());
    server.setExecutor(executor);
    server.createContext(PATH, this::handle);
  }

  public void start() {
    server.start();
    LOG.info("admission webhook listening address={} path={}", address(), PATH);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Timer.Sample sample = Timer.start();
    String outcome = "error";
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, text("not found: " + exchange.getRequestURI().getPath()));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, text("use POST with an admission.k8s.io/v1 AdmissionReview"));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        reply(exchange, 413, text("AdmissionReview larger than " + MAX_BODY + " bytes"));
        return;
      }
      if (!ready.getAsBoolean()) {
        outcome = "not-ready";
        reply(
            exchange,
            503,
            text("sekisho admission: the ScanResult and policy caches are not synced yet"));
        return;
      }
      JsonNode request;
      try {
        JsonNode review = json.readTree(body);
        request = review == null ? null : review.get("request");
        if (request == null || !request.isObject() || !request.path("uid").isTextual()) {
          throw new IOException("no request with a uid");
        }
      } catch (IOException e) {
        outcome = "bad-request";
        reply(
            exchange,
            400,
            text("the body is not an admission.k8s.io/v1 AdmissionReview: " + e.getMessage()));
        return;
      }
      boolean dryRun = request.path("dryRun").asBoolean(false);
      Decision d = review(request);
      outcome = d.allowed() ? "allowed" : "denied";
      if (!d.allowed()) {
        LOG.info(
            "admission denied kind={} namespace={} name={} operation={} dryRun={}: {}",
            request.path("kind").path("kind").asText(),
            request.path("namespace").asText(),
            request.path("name").asText(),
            request.path("operation").asText(),
            dryRun,
            d.message());
      }
      meters
          .counter(
              "sekisho_admission_reviews_total",
              "outcome",
              outcome,
              "dry_run",
              String.valueOf(dryRun))
          .increment();
      reply(exchange, 200, response(request.path("uid").asText(), d));
    } finally {
      sample.stop(meters.timer("sekisho_admission_seconds", "outcome", outcome));
    }
  }

  /** The decision for one AdmissionReview request. */
  Decision review(JsonNode request) {
    String kind = request.path("kind").path("kind").asText();
    String operation = request.path("operation").asText();
    if (!PodImages.reviewed(kind) || !("CREATE".equals(operation) || "UPDATE".equals(operation))) {
      return AdmissionDecider.Decision.allow();
    }
    List<Image> images =
        PodImages.newImages(
            kind,
            request.get("object"),
            "UPDATE".equals(operation) ? request.get("oldObject") : null);
    return decider.decide(request.path("namespace").asText(), images, clock.instant());
  }

  private byte[] response(String uid, Decision d) throws IOException {
    ObjectNode review = json.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", d.allowed());
    if (!d.allowed()) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", d.message());
    }
    if (!d.warnings().isEmpty()) {
      d.warnings().forEach(response.putArray("warnings")::add);
    }
    return json.writeValueAsBytes(review);
  }

  private static byte[] text(String s) {
    return (s + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange exchange, int code, byte[] body) throws IOException {
    exchange
        .getResponseHeaders()
        .set("Content-Type", code == 200 ? "application/json" : "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
