package dev.sekisho.operator.scanapi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sekisho.api.v1alpha1.ScanResultStatus;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.scanapi.InvalidSubmissionException;
import dev.sekisho.scanner.scanapi.ScanAnswer;
import dev.sekisho.scanner.scanapi.ScanApi;
import dev.sekisho.scanner.scanapi.ScanSubmission;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan API over the JDK's {@code com.sun.net.httpserver}: one route, {@code POST
 * /api/v1/namespaces/{namespace}/scans}, JSON in and out. The JDK server suffices for one low-rate
 * route and keeps the operator free of a web framework; TLS comes from the given SSLContext (plain
 * HTTP only when none is given, which the configuration allows only behind an explicit flag).
 */
public final class ScanApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScanApiServer.class);
  private static final Pattern ROUTE = ScanApi.ROUTE;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Authorizer authorizer;
  private final ScanService service;
  private final ObjectMapper json;

  /**
   * The scan API's JSON, as the operator configures it: java.time as ISO-8601 text, unknown fields
   * ignored (a newer step's request, a newer model's fields).
   */
  public static ObjectMapper json() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  private final InventoryDecoder decoder;
  private final long maxBody;
  private final MeterRegistry meters;

  public ScanApiServer(
      InetSocketAddress address,
      SSLContext tls,
      Authorizer authorizer,
      ScanService service,
      ObjectMapper json,
      InventoryDecoder decoder,
      long maxBody,
      int threads,
      MeterRegistry meters)
      throws IOException {
    this.authorizer = authorizer;
    this.service = service;
    this.json = json;
    this.decoder = decoder;
    this.maxBody = maxBody;
    this.meters = meters;
    if (tls == null) {
      server = HttpServer.create(address, 64);
    } else {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    executor =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("scan-api-", 0).factory());
    server.setExecutor(executor);
    server.createContext("/api/v1/", this::handle);
  }

  public void start() {
    server.start();
    LOG.info("scan api listening address={}", address());
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Timer.Sample sample = Timer.start();
    int code = 500;
    try (exchange) {
      Matcher route = ROUTE.matcher(exchange.getRequestURI().getPath());
      if (!route.matches()) {
        code = reply(exchange, 404, error("no such route: " + exchange.getRequestURI().getPath()));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        code = reply(exchange, 405, error("only POST is allowed"));
        return;
      }
      String namespace = route.group(1);
      try {
        Caller caller =
            authorizer.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        authorizer.authorize(caller, namespace);
        JsonNode body = readBody(exchange);
        ScanSubmission request = read(body, json);
        Inventory inventory = decoder.decode(request);
        ScanService.Submitted submitted = service.submit(namespace, request, inventory, caller);
        code = reply(exchange, 200, json.valueToTree(answer(submitted, json)));
        LOG.info(
            "scan submitted namespace={} name={} caller={} image={} verdict={}",
            namespace,
            submitted.result().getMetadata().getName(),
            caller.username(),
            request.image(),
            submitted.result().getStatus().getVerdict());
      } catch (ApiException e) {
        code = reply(exchange, e.status(), error(e.getMessage()));
        LOG.info(
            "scan refused namespace={} status={} reason=\"{}\"",
            namespace,
            e.status(),
            e.getMessage());
      } catch (KubernetesClientException e) {
        LOG.warn("scan failed namespace={}: {}", namespace, e.getMessage(), e);
        code =
            reply(exchange, 502, error("the Kubernetes API refused a request: " + e.getMessage()));
      } catch (RuntimeException | IOException e) {
        LOG.error("scan failed namespace={}", namespace, e);
        code =
            reply(
                exchange,
                500,
                error("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    } finally {
      sample.stop(
          Timer.builder("sekisho_api_request_seconds")
              .tag("code", Integer.toString(code))
              .publishPercentileHistogram()
              .register(meters));
    }
  }

  private JsonNode readBody(HttpExchange exchange) throws ApiException, IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase().startsWith("application/json")) {
      throw new ApiException(415, "Content-Type must be application/json, got " + type);
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        throw new ApiException(413, "the body is larger than " + maxBody + " bytes");
      }
      try {
        return json.readTree(bytes);
      } catch (IOException e) {
        String why = e.getMessage();
        int nl = why == null ? -1 : why.indexOf('\n');
        throw new ApiException(
            400, "the body is not JSON: " + (nl > 0 ? why.substring(0, nl) : why));
      }
    }
  }

  /**
   * Reads a request body as the contract's {@link ScanSubmission}; 400 naming the field when it
   * breaks the contract (an unknown {@code apiVersion} among it).
   */
  public static ScanSubmission read(JsonNode body, ObjectMapper json) throws ApiException {
    try {
      return ScanSubmission.read(body, json);
    } catch (InvalidSubmissionException e) {
      throw new ApiException(400, e.getMessage());
    }
  }

  /** The contract's answer for a submitted scan. */
  static ScanAnswer answer(ScanService.Submitted s, ObjectMapper json) {
    ScanResultStatus status = s.result().getStatus();
    return new ScanAnswer(
        ScanApi.API_VERSION,
        status.getVerdict().name(),
        s.result().getMetadata().getNamespace(),
        s.result().getMetadata().getName(),
        status.getDecidingPolicy(),
        json.convertValue(s.result().getSpec().getSummary(), ScanAnswer.Summary.class),
        json.convertValue(
            status.getPolicies(), new TypeReference<List<ScanAnswer.PolicyOutcome>>() {}),
        json.convertValue(
            status.getViolations(), new TypeReference<List<ScanAnswer.Violation>>() {}),
        status.getViolationCount() == null ? 0 : status.getViolationCount(),
        json.convertValue(
            s.result().getSpec().getFindings(), new TypeReference<List<ScanAnswer.Finding>>() {}),
        status.getStoppedPipelineRun());
  }

  static ApiException bad(String field, String problem) {
    return new ApiException(400, new InvalidSubmissionException(field, problem).getMessage());
  }

  private ObjectNode error(String message) {
    return json.createObjectNode().put("error", message);
  }

  private int reply(HttpExchange exchange, int code, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return code;
  }
}
