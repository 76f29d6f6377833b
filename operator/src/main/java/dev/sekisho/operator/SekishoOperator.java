package dev.sekisho.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.api.v1alpha1.ScanPolicy;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.admission.AdmissionDecider;
import dev.sekisho.operator.admission.AdmissionServer;
import dev.sekisho.operator.admission.WebhookCaBundle;
import dev.sekisho.operator.evaluate.PolicyVex;
import dev.sekisho.operator.evaluate.ResultEvaluator;
import dev.sekisho.operator.events.EventRecorder;
import dev.sekisho.operator.gate.PipelineRunGate;
import dev.sekisho.operator.notify.Dispatcher;
import dev.sekisho.operator.notify.ScanNotifierReconciler;
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
import dev.sekisho.operator.store.ResultWriter;
import dev.sekisho.operator.tls.CaBundlePublisher;
import dev.sekisho.operator.tls.ManagedCertificates;
import dev.sekisho.operator.tls.ScanApiTls;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.operator.workload.OwnerResolver;
import dev.sekisho.operator.workload.PodWatch;
import dev.sekisho.operator.workload.PullSecrets;
import dev.sekisho.operator.workload.WorkloadConfig;
import dev.sekisho.operator.workload.WorkloadInventory;
import dev.sekisho.operator.workload.WorkloadScanner;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's parts wired together: the controllers (ScanResult, ScanPolicy, ClusterScanPolicy,
 * ScanNotifier, and the CA bundle publisher when the scan API serves HTTPS), under leader election
 * when configured, sharing one ScanResult cache; and the scan API with its TLS (served by every
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
  private final ScanApiTls admissionTls;
  private final AdmissionServer admission;
  private final ScheduledExecutorService admissionBundle;
  private final KubernetesClient client;
  private final String webhookConfiguration;
  private final WorkloadInventory inventory;
  private final PodWatch podWatch;
  private final WorkloadScanner workloadScanner;
  private final Dispatcher notifications;

  /**
   * How often every namespace's CA bundle ConfigMap is checked anyway (a watch restores a deleted
   * one at once).
   */
  static final Duration CA_RESYNC = Duration.ofMinutes(10);

  /**
   * How often the admission webhook configuration's caBundle is checked (one GET of one object):
   * the configuration may be created after the operator starts (Helm installs it last), or reset by
   * a re-apply, and a fail-closed webhook without the right CA refuses every Pod it reviews.
   */
  static final Duration WEBHOOK_RESYNC = Duration.ofSeconds(15);

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
    this.client = client;
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
    WorkloadConfig workloads = config.workloads();
    inventory =
        workloads.enabled() ? new WorkloadInventory(OwnerResolver.reading(client)::ownerOf) : null;
    podWatch = inventory == null ? null : new PodWatch(client, workloads, inventory);
    workloadScanner =
        inventory == null || !workloads.scan()
            ? null
            : new WorkloadScanner(
                workloads,
                inventory,
                results,
                store,
                new ResultWriter(client, store),
                matcher,
                new PullSecrets(client),
                podWatch::pod,
                leaderMetrics::leading,
                clock,
                scannerVersion,
                meters);
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
                            this::startedLeading,
                            () -> stoppedLeading(config.exitOnLostLease()),
                            id -> {}),
                        // Not JOSDK's exit: it calls System.exit on the thread that stops the
                        // lease, which deadlocks when that is the JVM's shutdown hook.
                        false));
              }
            });
    // one ScanResult informer: its store is the cache the policy controllers and gauges read
    ScanResultReconciler resultReconciler =
        new ScanResultReconciler(
            new ResultEvaluator(store, new PolicyVex(client, config.namespace())),
            new PipelineRunGate(client),
            events,
            clock,
            meters,
            results,
            inventory);
    operator.register(resultReconciler, o -> o.withItemStore(results));
    operator.register(new ScanPolicyReconciler(clock, results));
    notifications =
        new Dispatcher(
            config.notifyQueue(), Duration.ofSeconds(1), config.notifyMaxBackoff(), clock, meters);
    operator.register(
        new ScanNotifierReconciler(client, results, notifications, config.namespace(), clock));
    operator.register(new ClusterScanPolicyReconciler(clock, results));

    ObjectMapper json = ScanApiServer.json();
    ManagedCertificates managed = managedCertificates(config, client, clock);
    tls = config.insecureHttp() ? null : openTls(config, managed, client);
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

    OperatorConfig.Admission adm = config.admission();
    if (adm.enabled()) {
      admissionTls =
          new ScanApiTls(
              adm.tlsDir() == null
                  ? managed::ensure
                  : ScanApiTls.directoryOr(adm.tlsDir(), managed::ensure),
              client,
              config.namespace(),
              null);
      admission =
          new AdmissionServer(
              new InetSocketAddress(bind, adm.port()),
              admissionTls.context(),
              new AdmissionDecider(
                      admissionInputs(resultReconciler), new ResultEvaluator(store)::evaluate)
                  ::decide,
              () -> results.synced() && resultReconciler.policiesSynced(),
              json,
              meters,
              clock);
      webhookConfiguration = adm.webhookConfiguration();
      admissionBundle =
          webhookConfiguration == null
              ? null
              : Executors.newSingleThreadScheduledExecutor(
                  Thread.ofPlatform().daemon().name("admission-ca-bundle").factory());
      if (admissionBundle != null) {
        admissionTls.onBundleChange(() -> admissionBundle.execute(this::keepWebhookBundle));
      }
    } else {
      admissionTls = null;
      admission = null;
      admissionBundle = null;
      webhookConfiguration = null;
    }
  }

  /** The admission decision's view of the caches: results, policies and namespace labels. */
  private AdmissionDecider.Inputs admissionInputs(ScanResultReconciler reconciler) {
    return new AdmissionDecider.Inputs() {
      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return reconciler.namespaceLabels(namespace);
      }

      @Override
      public Collection<ScanPolicy> scanPolicies(String namespace) {
        return reconciler.scanPolicies(namespace);
      }

      @Override
      public Collection<ClusterScanPolicy> clusterPolicies() {
        return reconciler.clusterPolicies();
      }

      @Override
      public List<ScanResult> byDigest(String digest) {
        return results.byDigest(digest);
      }

      @Override
      public List<ScanResult> byTag(String tag) {
        return results.byTag(tag);
      }
    };
  }

  /** Sets the admission CA bundle into the webhook configuration, when one is known. */
  private void keepWebhookBundle() {
    try {
      admissionTls
          .caBundle()
          .ifPresent(pem -> WebhookCaBundle.keep(client, webhookConfiguration, pem));
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot keep the caBundle of validatingwebhookconfiguration {}: {}",
          webhookConfiguration,
          e.getMessage());
    }
  }

  /** This replica now leads: its gauges, and the images in use that may lack a ScanResult. */
  private void startedLeading() {
    leaderMetrics.startLeading();
    WorkloadScanner scanner = workloadScanner;
    if (scanner != null) {
      scanner.resync();
    }
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
  private static ScanApiTls openTls(
      OperatorConfig config, ManagedCertificates managed, KubernetesClient client)
      throws IOException, GeneralSecurityException {
    ScanApiTls.Source source =
        config.tlsDir() == null
            ? managed::ensure
            : ScanApiTls.directoryOr(config.tlsDir(), managed::ensure);
    return new ScanApiTls(source, client, config.namespace(), config.caConfigMap());
  }

  /**
   * The operator's own CA and serving certificate (used where no certificate is mounted), one for
   * the scan API and the admission webhook: it names both Services (the webhook's only when it is
   * enabled) and the extra {@code tlsHosts}. One set of names, so the two never renew the shared
   * certificate away from each other.
   */
  private static ManagedCertificates managedCertificates(
      OperatorConfig config, KubernetesClient client, Clock clock) {
    String ns = config.namespace();
    List<String> hosts = new ArrayList<>(serviceNames(config.apiService(), ns));
    if (config.admission().enabled()) {
      hosts.addAll(serviceNames(config.admission().service(), ns));
    }
    hosts.addAll(config.tlsHosts());
    return new ManagedCertificates(client, ns, config.tlsSecret(), hosts, config.caPolicy(), clock);
  }

  /** The DNS names of a Service. */
  private static List<String> serviceNames(String svc, String ns) {
    return List.of(
        svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local");
  }

  public void start() {
    api.start();
    if (admission != null) {
      admission.start();
      admissionTls.start(tlsRefresh);
      if (admissionBundle != null) {
        admissionBundle.scheduleWithFixedDelay(
            this::keepWebhookBundle, 0, WEBHOOK_RESYNC.toSeconds(), TimeUnit.SECONDS);
      }
    }
    if (tls != null) {
      tls.start(tlsRefresh);
    }
    operator.start();
    if (!leaderElection) {
      leaderMetrics.startLeading();
    }
    if (podWatch != null) {
      if (workloadScanner != null) {
        workloadScanner.start();
      }
      // after the controllers: the inventory's changes are events of the ScanResult controller
      podWatch
          .start()
          .thenRun(
              () -> {
                if (workloadScanner != null) {
                  workloadScanner.resync();
                }
              });
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

  /** The admission webhook's address, empty when it is not enabled. */
  public Optional<InetSocketAddress> admissionAddress() {
    return Optional.ofNullable(admission).map(AdmissionServer::address);
  }

  /** The admission webhook's TLS, empty when it is not enabled. */
  public Optional<ScanApiTls> admissionTls() {
    return Optional.ofNullable(admissionTls);
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

  /** Where images run (the operator's watch of pods); empty when pods are not watched. */
  public Optional<WorkloadInventory> workloads() {
    return Optional.ofNullable(inventory);
  }

  @Override
  public void close() {
    closing = true;
    if (workloadScanner != null) {
      workloadScanner.close();
    }
    if (podWatch != null) {
      podWatch.close();
    }
    if (tls != null) {
      tls.close();
    }
    api.close();
    if (admission != null) {
      admission.close();
      admissionTls.close();
    }
    if (admissionBundle != null) {
      admissionBundle.shutdownNow();
    }
    if (retentionRuns != null) {
      retentionRuns.shutdownNow();
    }
    operator.stop();
    notifications.close();
  }
}
