package dev.sekisho.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.operator.evaluate.PolicyVex;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.ops.LeaderMetrics;
import dev.sekisho.operator.reconcile.ClusterScanPolicyReconciler;
import dev.sekisho.operator.reconcile.ScanPolicyReconciler;
import dev.sekisho.operator.reconcile.ScanResultCache;
import dev.sekisho.operator.reconcile.ScanResultReconciler;
import dev.sekisho.operator.retention.ResultRetention;
import dev.sekisho.operator.scanapi.Authorizer;
import dev.sekisho.operator.scanapi.InventoryDecoder;
import dev.sekisho.operator.scanapi.SbomFileDecoder;
import dev.sekisho.operator.scanapi.ScanApiServer;
import dev.sekisho.operator.scanapi.ScanService;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.tls.CaBundlePublisher;
import dev.sekisho.operator.tls.ManagedCertificates;
import dev.sekisho.operator.tls.ScanApiTls;
import dev.sekisho.operator.vulndb.VulnMatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's parts wired together: the controllers (ScanResult, ScanPolicy, ClusterScanPolicy,
 * and the CA bundle publisher when the scan API serves HTTPS), under leader election when
 * configured, sharing one ScanResult cache; and the scan API with its TLS (served by every
 * replica). Built by {@link OperatorProcess}.
 */
public final class SekishoOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SekishoOperator.class);

  private final Operator operator;
  private final ScanApiServer api;
  private final ReportStore store;
  private final ScanResultCache results;
  private final ScanApiTls tls;
  private final Duration tlsRefresh;
  private final LeaderMetrics leaderMetrics;
  private final boolean leaderElection;
  private final String identity;
  private volatile boolean closing;
  private final ResultRetention retention;
  private final ScheduledExecutorService retentionRuns;

  /**
   * How often every namespace's CA bundle ConfigMap is checked anyway (a watch restores a deleted
   * one at once).
   */
  static final Duration CA_RESYNC = Duration.ofMinutes(10);

  public SekishoOperator(
      OperatorConfig config,
      KubernetesClient client,
      VulnMatcher matcher,
      InventoryDecoder.SbomDecoder sbom,
      MeterRegistry meters,
      Clock clock,
      InetAddress bind,
      String scannerVersion)
      throws IOException, GeneralSecurityException {
    store = new ReportStore(config.storeDir());
    tlsRefresh = config.tlsRefresh();
    String instance = System.getenv().getOrDefault("HOSTNAME", "sekisho-operator");
    identity = leaseIdentity(instance);
    EventRecorder events = new EventRecorder(client, instance, clock);
    results = new ScanResultCache();
    leaderMetrics = new LeaderMetrics(meters, results);
    leaderElection = config.leaderElection();
    retention =
        config.resultRetention().isZero()
            ? null
            : new ResultRetention(client, store, config.resultRetention(), clock, meters);
    retentionRuns =
        retention == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("result-retention").factory());
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
                        identity,
                        new LeaderCallbacks(
                            leaderMetrics::startLeading,
                            () -> stoppedLeading(config.exitOnLostLease()),
                            id -> {}),
                        // Not JOSDK's exit: it calls System.exit on the thread that stops the
                        // lease, which deadlocks when that is the JVM's shutdown hook.
                        false));
              }
            });
    // one ScanResult informer: its store is the cache the policy controllers and gauges read
    operator.register(
        new ScanResultReconciler(
            new ResultEvaluator(store, new PolicyVex(client, config.namespace())),
            new PipelineRunGate(client),
            events,
            clock,
            meters,
            results),
        o -> o.withItemStore(results));
    operator.register(new ScanPolicyReconciler(clock, results));
    operator.register(new ClusterScanPolicyReconciler(clock, results));

    ObjectMapper json = ScanApiServer.json();
    tls = config.insecureHttp() ? null : openTls(config, client, clock);
    if (tls != null && config.caPublish()) {
      CaBundlePublisher publisher =
          new CaBundlePublisher(client, config.caConfigMap(), tls::caBundle);
      tls.onBundleChange(publisher::republish);
      operator.register(
          publisher,
          o -> {
            o.withReconciliationMaxInterval(CA_RESYNC);
            if (config.caNamespaceSelector() != null) {
              o.withLabelSelector(config.caNamespaceSelector());
            }
          });
    }
    api =
        new ScanApiServer(
            new InetSocketAddress(bind, config.apiPort()),
            tls == null ? null : tls.context(),
            new Authorizer(client, config.tokenAudiences()),
            new ScanService(
                client, matcher, store, results, config.decisionWait(), clock, scannerVersion),
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

  /**
   * The lease is gone: stop exporting the leader's gauges and, unless this operator is being closed
   * (which releases the lease itself), exit so the replica restarts as a follower and two replicas
   * never reconcile at once. The exit runs on its own thread: System.exit blocks until the shutdown
   * hooks finish, and the hook closes this operator, which waits for the leader elector's thread.
   */
  private void stoppedLeading(boolean exit) {
    leaderMetrics.stopLeading();
    if (exit && !closing) {
      LOG.error("lost the leader-election lease: exiting to restart as a follower");
      Thread.ofPlatform().name("exit-on-lost-lease").start(() -> System.exit(1));
    }
  }

  /**
   * The identity this operator holds its Lease with: the pod name plus a random suffix. JOSDK's
   * default is the pod name alone, which two operators in one process (or a restarted container
   * that finds its old Lease) would share, and then both would believe they lead.
   */
  static String leaseIdentity(String podName) {
    return podName + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The identity of this operator in its leader-election Lease ({@code spec.holderIdentity}). */
  public String leaseIdentity() {
    return identity;
  }

  /**
   * The scan API's certificate: the one mounted in {@code SEKISHO_API_TLS_DIR} (OpenShift's service
   * CA, cert-manager), else the operator's own from its Secret; checked at every refresh, so a
   * certificate mounted later takes over without a restart.
   */
  private static ScanApiTls openTls(OperatorConfig config, KubernetesClient client, Clock clock)
      throws IOException, GeneralSecurityException {
    String svc = config.apiService();
    String ns = config.namespace();
    List<String> hosts = new ArrayList<>();
    hosts.addAll(
        List.of(
            svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local"));
    hosts.addAll(config.tlsHosts());
    ManagedCertificates managed =
        new ManagedCertificates(client, ns, config.tlsSecret(), hosts, config.caPolicy(), clock);
    ScanApiTls.Source source =
        config.tlsDir() == null
            ? managed::ensure
            : ScanApiTls.directoryOr(config.tlsDir(), managed::ensure);
    return new ScanApiTls(source, client, config.namespace(), config.caConfigMap());
  }

  public void start() {
    api.start();
    if (tls != null) {
      tls.start(tlsRefresh);
    }
    operator.start();
    if (!leaderElection) {
      leaderMetrics.startLeading();
    }
    if (retention != null) {
      long period = retention.period().toSeconds();
      retentionRuns.scheduleWithFixedDelay(this::expireResults, period, period, TimeUnit.SECONDS);
    }
  }

  /** One retention pass, on the leader only (a follower's deletes would race the leader's). */
  private void expireResults() {
    if (!leaderMetrics.leading()) {
      return;
    }
    try {
      ResultRetention.Pass pass = retention.sweep();
      if (pass.expired() > 0 || pass.keptInUse() > 0) {
        LOG.info(
            "result retention results={} expired={} keptInUse={}",
            pass.results(),
            pass.expired(),
            pass.keptInUse());
      }
    } catch (RuntimeException e) {
      // e.g. no right to list pods: nothing was deleted; the next pass tries again
      LOG.warn("result retention pass skipped, nothing deleted: {}", e.getMessage());
    }
  }

  /** The scan API's TLS, empty when it serves plain HTTP. */
  public Optional<ScanApiTls> tls() {
    return Optional.ofNullable(tls);
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

  /**
   * The ScanResult controller's cache (warm on every replica): the scan API and the re-matcher read
   * results from it.
   */
  public ScanResultCache results() {
    return results;
  }

  @Override
  public void close() {
    closing = true;
    if (tls != null) {
      tls.close();
    }
    api.close();
    if (retentionRuns != null) {
      retentionRuns.shutdownNow();
    }
    operator.stop();
  }
}
