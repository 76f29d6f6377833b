package dev.sekisho.operator;

import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.ops.OpsServer;
import dev.sekisho.operator.ops.OpsServer.Reply;
import dev.sekisho.operator.vulndb.DatabaseHolder;
import dev.sekisho.operator.vulndb.DatabaseManager;
import dev.sekisho.operator.vulndb.Rematcher;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole operator process as {@link Main} runs it: the controllers and the scan API ({@link
 * SekishoOperator}), the vulnerability database kept by a {@link DatabaseManager}, {@code /healthz}
 * and {@code /readyz} on the health port and {@code /metrics} (Prometheus text format: the
 * operator's meters and the JVM's memory, GC, thread and CPU meters) on the metrics port. {@link
 * Main} adds only the environment, the Kubernetes client and the shutdown hook, so tests that start
 * this class start what a cluster runs.
 */
public final class OperatorProcess implements AutoCloseable {
  /** Content type of the Prometheus text exposition format 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final OperatorConfig config;
  private final PrometheusMeterRegistry meters;
  private final VulnMatcher matcher;
  private final SekishoOperator operator;
  private final DatabaseManager databases;
  private final OpsServer health;
  private final OpsServer metrics;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * Wires the operator; nothing runs until {@link #start()}.
   *
   * @param bind address every server binds (all interfaces in a cluster, loopback in tests)
   * @param fixedMatcher a matcher to use instead of the managed database (tests that prove the
   *     operator's handling of findings, not database updates), or null for the database the {@link
   *     DatabaseManager} keeps from the configured sources or bundle
   */
  public OperatorProcess(
      OperatorConfig config,
      KubernetesClient client,
      InetAddress bind,
      Clock clock,
      String version,
      VulnMatcher fixedMatcher)
      throws IOException, GeneralSecurityException {
    this.config = config;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    gc.bindTo(meters);
    DatabaseHolder holder = fixedMatcher == null ? new DatabaseHolder() : null;
    this.matcher = fixedMatcher == null ? holder : fixedMatcher;
    Gauge.builder(
            "sekisho_database_age_seconds",
            matcher,
            m ->
                m.database()
                    .map(i -> (double) Duration.between(i.built(), clock.instant()).toSeconds())
                    .orElse(Double.NaN))
        .description("Age of the loaded vulnerability database (NaN: none loaded)")
        .register(meters);
    this.operator =
        new SekishoOperator(config, client, matcher, null, meters, clock, bind, version);
    this.databases =
        holder == null
            ? null
            : new DatabaseManager(
                    config,
                    holder,
                    new DatabaseUpdater(),
                    () ->
                        Optional.of(
                            new Rematcher(client, operator.store(), holder, operator.results())),
                    meters)
                .onProblem(databaseEvents(client, config, clock));
    this.health =
        new OpsServer(
            new InetSocketAddress(bind, config.healthPort()),
            Map.of("/healthz", this::healthz, "/readyz", this::readyz));
    this.metrics =
        new OpsServer(
            new InetSocketAddress(bind, config.metricsPort()),
            Map.of("/metrics", () -> new Reply(200, PROMETHEUS_TEXT, meters.scrape())));
  }

  /** Live while the controllers' event sources (watches) are healthy. */
  private Reply healthz() {
    var info = operator.operator().getRuntimeInfo();
    return !info.isStarted() || info.allEventSourcesAreHealthy()
        ? Reply.text(200, "ok\n")
        : Reply.text(500, "unhealthy event sources: " + info.unhealthyEventSources() + "\n");
  }

  /** Ready once a vulnerability database is loaded: before that the scan API answers 503. */
  private Reply readyz() {
    return matcher.database().isPresent()
        ? Reply.text(200, "ok\n")
        : Reply.text(503, "no vulnerability database loaded\n");
  }

  /** Starts the probe and metrics servers, the operator, and the database schedule. */
  public void start() {
    health.start();
    metrics.start();
    operator.start();
    if (databases != null) {
      databases.start();
    }
  }

  public OperatorConfig config() {
    return config;
  }

  public SekishoOperator operator() {
    return operator;
  }

  /** The database manager, empty when the process runs on a fixed matcher. */
  public Optional<DatabaseManager> databases() {
    return Optional.ofNullable(databases);
  }

  /** What scans are matched against. */
  public VulnMatcher matcher() {
    return matcher;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  public InetSocketAddress apiAddress() {
    return operator.apiAddress();
  }

  public InetSocketAddress healthAddress() {
    return health.address();
  }

  public InetSocketAddress metricsAddress() {
    return metrics.address();
  }

  @Override
  public void close() {
    if (databases != null) {
      databases.close();
    }
    operator.close();
    health.close();
    metrics.close();
    gc.close();
  }

  /**
   * A database refresh that did not replace the database becomes a Warning Event on the operator's
   * pod ({@code HOSTNAME} in {@code SEKISHO_NAMESPACE}), where {@code kubectl describe pod} and
   * event alerting see it.
   */
  static Consumer<DatabaseManager.Problem> databaseEvents(
      KubernetesClient client, OperatorConfig config, Clock clock) {
    String pod = System.getenv().getOrDefault("HOSTNAME", "sekisho-operator");
    EventRecorder events = new EventRecorder(client, pod, clock);
    Pod self =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(config.namespace())
            .endMetadata()
            .build();
    return problem ->
        events.record(
            self,
            EventRecorder.Type.Warning,
            problem.reason(),
            "UpdateDatabase",
            problem.message());
  }
}
