package dev.sekisho.operator.testing;

import dev.sekisho.operator.OperatorConfig;
import dev.sekisho.operator.OperatorProcess;
import dev.sekisho.operator.SekishoOperator;
import dev.sekisho.operator.vulndb.DatabaseManager;
import dev.sekisho.operator.vulndb.VulnMatcher;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Sekisho operator running in the test JVM against a {@link KubeApiServer}: the same {@link
 * OperatorProcess} {@code Main} starts in a cluster (controllers under leader election, the scan
 * API, {@code /healthz}, {@code /readyz}, {@code /metrics}, the vulnerability database), bound to
 * 127.0.0.1 on random ports and configured through the same environment variables ({@link
 * OperatorConfig#fromEnv}).
 *
 * <p>Published in the operator module's test-jar ({@code sekisho-operator}, type {@code test-jar},
 * scope {@code test}) for the ITs and E2E tests of other modules. Typical use, one operator per
 * test class:
 *
 * <pre>{@code
 * @SekishoIntegrationTest            // or @WithKubeApiServer(crds = true): the Sekisho CRDs
 * @TestInstance(PER_CLASS)
 * class MyIT {
 *   private RunningOperator operator;
 *
 *   @BeforeAll
 *   void start(KubeApiServer kube, @TempDir Path work) {
 *     PipelineRuns.installCrd(kube.adminClient());            // if the test uses PipelineRuns
 *     operator = RunningOperator.builder(kube, work)
 *         .matcher(FixtureMatcher.advisories())                // or .env("SEKISHO_DB_BUNDLE", dir)
 *         .start();
 *   }
 *
 *   @AfterAll
 *   void stop() { if (operator != null) operator.close(); }
 *
 *   @Test
 *   void something(KubeApiServer kube) {
 *     String ns = ScanSubmitters.namespaceWithSubmitter(kube, "my-test");
 *     // post to operator.apiUrl() + "/api/v1/namespaces/" + ns + "/scans" with the token of
 *     // ScanSubmitters.PIPELINE_SA, or run `sekisho scan --server=` + operator.apiUrl()
 *   }
 * }
 * }</pre>
 *
 * <p>Defaults (each can be overridden with {@link Builder#env}): the operator's namespace (its
 * Lease) is a fresh {@code sekisho-system-*} namespace, the store is {@code WORK/store}, the scan
 * API serves plain HTTP ({@code SEKISHO_API_INSECURE_HTTP=true}), leader election is on, and a lost
 * lease does not exit the JVM.
 *
 * <p>{@link Builder#https()} serves HTTPS as in a cluster without cert-manager: the operator issues
 * its own CA and serving certificate (Secret {@code sekisho-scan-api-certs} in its namespace, with
 * 127.0.0.1 and localhost among the names), and publishes the CA bundle as the ConfigMap {@code
 * sekisho-scan-api-ca} (key {@code ca.crt}) in every namespace; {@link #caBundle()} is that PEM.
 * {@link Builder#start()} returns once the operator holds its Lease (with leader election) and a
 * vulnerability database is loaded.
 */
public final class RunningOperator implements AutoCloseable {
  private final KubernetesClient admin;
  private final OperatorProcess process;

  private RunningOperator(KubernetesClient admin, OperatorProcess process) {
    this.admin = admin;
    this.process = process;
  }

  /**
   * A builder for an operator on {@code kube}, keeping its files (store, database) under {@code
   * work}.
   */
  public static Builder builder(KubeApiServer kube, Path work) {
    return new Builder(kube, work);
  }

  /** Configures and starts a {@link RunningOperator}. */
  public static final class Builder {
    private final KubeApiServer kube;
    private final Path work;
    private final Map<String, String> env = new LinkedHashMap<>();
    private VulnMatcher matcher;
    private KubernetesClient client;
    private Clock clock = Clock.systemUTC();

    private Builder(KubeApiServer kube, Path work) {
      this.kube = kube;
      this.work = work;
    }

    /**
     * Matches scans with {@code matcher} (e.g. {@link FixtureMatcher#advisories()}) instead of a
     * database the operator keeps: no {@link DatabaseManager} runs.
     */
    public Builder matcher(VulnMatcher matcher) {
      this.matcher = matcher;
      return this;
    }

    /**
     * Sets one of the operator's environment variables (see {@link OperatorConfig} and
     * docs/operator.md), e.g. {@code SEKISHO_DB_BUNDLE} (a directory of OSV archives, imported
     * before {@link #start()} returns), {@code SEKISHO_API_INSECURE_HTTP=false} (HTTPS), {@code
     * SEKISHO_LEADER_ELECTION=false}.
     */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /**
     * Serves the scan API over HTTPS with the operator's own CA (see the class comment); {@link
     * RunningOperator#apiUrl()} is then {@code https://127.0.0.1:PORT}.
     */
    public Builder https() {
      return env("SEKISHO_API_INSECURE_HTTP", "false");
    }

    /** The client the operator uses; the API server's admin client by default. */
    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    /** The operator's clock; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Starts the operator and waits until it leads (with leader election) and has a database.
     *
     * @throws IOException when the configured database sources or bundle cannot be imported
     */
    public RunningOperator start() throws Exception {
      KubernetesClient c = client != null ? client : kube.adminClient();
      Map<String, String> all = new LinkedHashMap<>();
      if (!env.containsKey("SEKISHO_NAMESPACE")) {
        all.put("SEKISHO_NAMESPACE", kube.createNamespace("sekisho-system"));
      }
      all.put("SEKISHO_STORE_DIR", Files.createDirectories(work.resolve("store")).toString());
      all.put("SEKISHO_API_PORT", "0");
      all.put("SEKISHO_HEALTH_PORT", "0");
      all.put("SEKISHO_METRICS_PORT", "0");
      all.put("SEKISHO_API_INSECURE_HTTP", "true");
      all.put("SEKISHO_EXIT_ON_LOST_LEASE", "false");
      // the test's clients reach the scan API at 127.0.0.1 (used only with HTTPS)
      all.put("SEKISHO_API_TLS_HOSTS", "127.0.0.1,localhost");
      all.putAll(env);
      OperatorConfig config = OperatorConfig.fromEnv(all);
      OperatorProcess process =
          new OperatorProcess(config, c, InetAddress.getLoopbackAddress(), clock, "test", matcher);
      RunningOperator running = new RunningOperator(c, process);
      try {
        process.start();
        if (process.databases().isPresent()) {
          // the schedule's first refresh runs in the background; this one reports its errors
          process.databases().get().refresh();
        }
        if (config.leaderElection()) {
          Awaiting.until(
              "the operator holds its leader-election Lease "
                  + config.namespace()
                  + "/"
                  + config.leaseName(),
              () -> running.leads());
        }
      } catch (Exception | Error e) {
        running.close();
        throw e;
      }
      return running;
    }
  }

  private boolean leads() {
    var lease = admin.leases().inNamespace(config().namespace()).withName(config().leaseName());
    var l = lease.get();
    return l != null && l.getSpec() != null && l.getSpec().getHolderIdentity() != null;
  }

  /** The process: its servers, meters and database manager. */
  public OperatorProcess process() {
    return process;
  }

  /** The controllers and the scan API. */
  public SekishoOperator operator() {
    return process.operator();
  }

  public OperatorConfig config() {
    return process.config();
  }

  /** The operator's namespace (its Lease, its Service's namespace). */
  public String namespace() {
    return config().namespace();
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}: the scan API's base URL. */
  public URI apiUrl() {
    return url(config().insecureHttp() ? "http" : "https", process.apiAddress());
  }

  /** {@code http://127.0.0.1:PORT}: {@code /healthz} and {@code /readyz}. */
  public URI healthUrl() {
    return url("http", process.healthAddress());
  }

  /** {@code http://127.0.0.1:PORT}: {@code /metrics}. */
  public URI metricsUrl() {
    return url("http", process.metricsAddress());
  }

  private static URI url(String scheme, InetSocketAddress address) {
    return URI.create(scheme + "://127.0.0.1:" + address.getPort());
  }

  /** The PEM CA bundle that verifies the scan API (HTTPS only). */
  public String caBundle() {
    return operator()
        .tls()
        .flatMap(t -> t.caBundle())
        .orElseThrow(() -> new IllegalStateException("the scan API serves plain HTTP"));
  }

  /** The database manager; empty when a fixed {@link Builder#matcher} is used. */
  public Optional<DatabaseManager> databases() {
    return process.databases();
  }

  /** Re-imports the database from the configured sources or bundle now, and re-matches. */
  public void refreshDatabase() {
    try {
      databases()
          .orElseThrow(() -> new IllegalStateException("this operator runs on a fixed matcher"))
          .refresh();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the servers, the controllers and the database schedule (not the client). */
  @Override
  public void close() {
    process.close();
  }
}
