package dev.sekisho.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.operator.decide.Decider;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.reconcile.ClusterScanPolicyReconciler;
import dev.sekisho.operator.reconcile.ScanPolicyReconciler;
import dev.sekisho.operator.reconcile.ScanResultReconciler;
import dev.sekisho.operator.scanapi.Authorizer;
import dev.sekisho.operator.scanapi.InventoryDecoder;
import dev.sekisho.operator.scanapi.SbomFileDecoder;
import dev.sekisho.operator.scanapi.ScanApiServer;
import dev.sekisho.operator.scanapi.ScanService;
import dev.sekisho.operator.scanapi.TlsContexts;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.vulndb.VulnMatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The operator's parts wired together: the three controllers (under leader election when
 * configured) and the scan API (served by every replica). Built by {@link Main} and by the ITs.
 */
public final class SekishoOperator implements AutoCloseable {
  private final Operator operator;
  private final ScanApiServer api;
  private final ReportStore store;
  private final ResultEvaluator evaluator;

  public SekishoOperator(
      OperatorConfig config,
      KubernetesClient client,
      Decider decider,
      VulnMatcher matcher,
      InventoryDecoder.SbomDecoder sbom,
      MeterRegistry meters,
      Clock clock,
      InetAddress bind,
      String scannerVersion)
      throws IOException, GeneralSecurityException {
    store = new ReportStore(config.storeDir());
    String instance = System.getenv().getOrDefault("HOSTNAME", "sekisho-operator");
    EventRecorder events = new EventRecorder(client, instance, clock);
    evaluator =
        new ResultEvaluator(
            client, decider, store, new PipelineRunGate(client), events, clock, meters);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaseName(),
                        config.namespace(),
                        Duration.ofSeconds(15),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2),
                        null,
                        null,
                        // A replica that loses its lease exits and restarts as a follower, so
                        // two replicas never reconcile at once; tests that stop the operator
                        // in-process turn this off.
                        config.exitOnLostLease()));
              }
            });
    operator.register(new ScanResultReconciler(evaluator, clock, meters));
    operator.register(new ScanPolicyReconciler(decider, client, clock));
    operator.register(new ClusterScanPolicyReconciler(decider, client, clock));

    ObjectMapper json =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    SSLContext tls = null;
    if (!config.insecureHttp()) {
      tls =
          config.tlsDir() != null && config.tlsDir().resolve("tls.crt").toFile().isFile()
              ? TlsContexts.fromPemDir(config.tlsDir())
              : TlsContexts.selfSigned(
                  List.of(
                      "sekisho-scan-api",
                      "sekisho-scan-api." + config.namespace() + ".svc",
                      "127.0.0.1"),
                  Path.of(System.getProperty("java.io.tmpdir")));
    }
    api =
        new ScanApiServer(
            new InetSocketAddress(bind, config.apiPort()),
            tls,
            new Authorizer(client, config.tokenAudiences()),
            new ScanService(client, matcher, store, evaluator, clock, scannerVersion),
            json,
            new InventoryDecoder(
                json,
                sbom != null
                    ? sbom
                    : new SbomFileDecoder(json, Path.of(System.getProperty("java.io.tmpdir")))),
            config.maxBodyBytes(),
            config.apiThreads(),
            meters);
  }

  public void start() {
    api.start();
    operator.start();
  }

  public InetSocketAddress apiAddress() {
    return api.address();
  }

  public Operator operator() {
    return operator;
  }

  public ReportStore store() {
    return store;
  }

  public ResultEvaluator evaluator() {
    return evaluator;
  }

  @Override
  public void close() {
    api.close();
    operator.stop();
  }
}
