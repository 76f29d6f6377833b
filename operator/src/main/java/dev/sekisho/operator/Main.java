package dev.sekisho.operator;

import dev.sekisho.operator.decide.EngineDecider;
import dev.sekisho.operator.ops.OpsServer;
import dev.sekisho.operator.ops.OpsServer.Reply;
import dev.sekisho.operator.vulndb.DatabaseHolder;
import dev.sekisho.operator.vulndb.DatabaseManager;
import dev.sekisho.operator.vulndb.Rematcher;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the operator from environment variables (see {@link OperatorConfig}): the controllers, the
 * scan API, {@code /healthz} and {@code /readyz} on the health port, and {@code /metrics}
 * (Prometheus text format) on the metrics port.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("sekisho-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Clock clock = Clock.systemUTC();
    KubernetesClient client = new KubernetesClientBuilder().build();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DatabaseHolder database = new DatabaseHolder();
    Gauge.builder(
            "sekisho_database_age_seconds",
            database,
            db ->
                db.database()
                    .map(i -> (double) Duration.between(i.built(), clock.instant()).toSeconds())
                    .orElse(Double.NaN))
        .description("Age of the loaded vulnerability database (NaN: none loaded)")
        .register(meters);
    String version = Main.class.getPackage().getImplementationVersion();
    SekishoOperator operator =
        new SekishoOperator(
            config,
            client,
            new EngineDecider(),
            database,
            null,
            meters,
            clock,
            InetAddress.getByName("0.0.0.0"),
            version == null ? "dev" : version);
    DatabaseManager databases =
        new DatabaseManager(
            config,
            database,
            new DatabaseUpdater(),
            () ->
                Optional.of(
                    new Rematcher(client, operator.store(), database, operator.evaluator())));
    InetAddress any = InetAddress.getByName("0.0.0.0");
    OpsServer health =
        new OpsServer(
            new InetSocketAddress(any, config.healthPort()),
            Map.of(
                "/healthz",
                () -> {
                  var info = operator.operator().getRuntimeInfo();
                  return !info.isStarted() || info.allEventSourcesAreHealthy()
                      ? Reply.text(200, "ok\n")
                      : Reply.text(
                          500, "unhealthy event sources: " + info.unhealthyEventSources() + "\n");
                },
                "/readyz",
                () ->
                    database.database().isPresent()
                        ? Reply.text(200, "ok\n")
                        : Reply.text(503, "no vulnerability database loaded\n")));
    OpsServer metrics =
        new OpsServer(
            new InetSocketAddress(any, config.metricsPort()),
            Map.of(
                "/metrics",
                () -> new Reply(200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape())));
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      LOG.info("stopping");
                      databases.close();
                      operator.close();
                      health.close();
                      metrics.close();
                      client.close();
                    }));
    health.start();
    metrics.start();
    operator.start();
    databases.start();
    LOG.info(
        "started api={} health={} metrics={} leaderElection={} store={}",
        operator.apiAddress(),
        config.healthPort(),
        config.metricsPort(),
        config.leaderElection(),
        config.storeDir());
    if (database.database().isEmpty()) {
      LOG.warn(
          "no vulnerability database is loaded yet: the scan API answers 503 and /readyz fails"
              + " until the first update finishes");
    }
  }
}
