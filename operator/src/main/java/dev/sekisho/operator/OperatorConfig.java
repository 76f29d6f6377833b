package dev.sekisho.operator;

import dev.sekisho.operator.tls.CaPolicy;
import dev.sekisho.operator.workload.WorkloadConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's configuration, read from environment variables (see docs/operator.md).
 *
 * @param namespace namespace the operator runs in (for its leader-election Lease)
 * @param storeDir directory of the report store (a PersistentVolume in a cluster)
 * @param apiPort port of the scan API
 * @param tlsDir directory with a mounted certificate ({@code tls.crt}, {@code tls.key}, optional
 *     {@code ca.crt}); when it holds none, the operator issues its own (see {@code tlsSecret})
 * @param insecureHttp serve the scan API over plain HTTP (tests only)
 * @param healthPort port of /healthz and /readyz
 * @param metricsPort port of /metrics
 * @param leaderElection whether to elect a leader before reconciling
 * @param leaseName name of the leader-election Lease
 * @param exitOnLostLease exit the process when the lease is lost (the safe choice in a cluster)
 * @param tokenAudiences audiences TokenReview checks; empty for the API server's default
 * @param maxBodyBytes largest scan request accepted
 * @param apiThreads threads serving the scan API
 * @param dbUpdateInterval how often the vulnerability database is updated
 * @param dbSources database sources (URLs or directories), in order
 * @param dbBundle an admin-provided database bundle (air-gapped clusters), or null
 * @param dbKev the CISA Known Exploited Vulnerabilities catalogue (URL or path), or null
 * @param dbEpss FIRST's EPSS scores CSV, gzip or plain (URL or path), or null
 * @param dbCvss CVSS enrichment feeds (NVD CVE API 2.0 JSON: URLs, files or directories)
 * @param apiService name of the scan API's Service (its DNS names go into the certificate)
 * @param tlsSecret Secret in {@code namespace} holding the operator's own CA and serving
 *     certificate, used when {@code tlsDir} holds no certificate
 * @param tlsHosts extra DNS names or IP addresses for the operator's own serving certificate
 * @param tlsRefresh how often the serving certificate is re-read (and renewed when it is the
 *     operator's own)
 * @param caConfigMap name of the ConfigMap holding the scan API's CA bundle ({@code ca.crt})
 * @param caPublish publish that ConfigMap in every selected namespace (else only in {@code
 *     namespace})
 * @param caNamespaceSelector label selector of the namespaces to publish it in; null for all
 * @param bindAddress address the scan API, probe and metrics servers listen on
 * @param caPolicy when and how the operator's own CA is renewed
 * @param resultRetention how long a ScanResult whose image no pod runs is kept after its last scan
 *     (zero: kept for ever)
 * @param decisionWait how long the scan API waits for the ScanResult reconciler's decision before
 *     answering 503 (the step retries)
 * @param admission the validating admission webhook's settings
 * @param workloads the watch of running pods and the scans of their images ({@code
 *     SEKISHO_WORKLOAD*})
 * @param notifyQueue notifications waiting per ScanNotifier sink at most (the oldest is dropped,
 *     and offered again by the notifier's next pass)
 * @param notifyMaxBackoff longest wait between two attempts to deliver a notification
 */
public record OperatorConfig(
    String namespace,
    Path storeDir,
    int apiPort,
    Path tlsDir,
    boolean insecureHttp,
    int healthPort,
    int metricsPort,
    boolean leaderElection,
    String leaseName,
    boolean exitOnLostLease,
    List<String> tokenAudiences,
    long maxBodyBytes,
    int apiThreads,
    Duration dbUpdateInterval,
    List<String> dbSources,
    Path dbBundle,
    String dbKev,
    List<String> dbCvss,
    String dbEpss,
    String apiService,
    String tlsSecret,
    List<String> tlsHosts,
    Duration tlsRefresh,
    String caConfigMap,
    boolean caPublish,
    String caNamespaceSelector,
    String bindAddress,
    CaPolicy caPolicy,
    Duration resultRetention,
    Duration decisionWait,
    Admission admission,
    WorkloadConfig workloads,
    int notifyQueue,
    Duration notifyMaxBackoff) {

  /**
   * The validating admission webhook (docs/admin-guide.md, "Admission").
   *
   * @param enabled serve it
   * @param port its HTTPS port
   * @param service name of its Service (its DNS names go into the serving certificate)
   * @param webhookConfiguration the ValidatingWebhookConfiguration whose caBundle the operator
   *     keeps; null when something else keeps it (OLM, cert-manager's CA injector)
   * @param tlsDir a mounted certificate to serve instead of the operator's own, or null
   */
  public record Admission(
      boolean enabled, int port, String service, String webhookConfiguration, Path tlsDir) {
    static Admission fromEnv(Map<String, String> env) {
      String config = env.get("SEKISHO_ADMISSION_WEBHOOK_CONFIG");
      return new Admission(
          bool(env, "SEKISHO_ADMISSION_ENABLED", false),
          OperatorConfig.port(env, "SEKISHO_ADMISSION_PORT", 9443),
          OperatorConfig.name(env, "SEKISHO_ADMISSION_SERVICE", "sekisho-admission"),
          config == null
              ? "sekisho-admission"
              : config.isBlank()
                  ? null
                  : OperatorConfig.name(env, "SEKISHO_ADMISSION_WEBHOOK_CONFIG", null),
          env.containsKey("SEKISHO_ADMISSION_TLS_DIR")
              ? Path.of(env.get("SEKISHO_ADMISSION_TLS_DIR"))
              : null);
    }
  }

  private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");
  private static final Pattern SIZE = Pattern.compile("^(\\d+)(Ki|Mi|Gi)?$");

  /** Reads the configuration; a bad value fails with a message naming the variable. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    return new OperatorConfig(
        env.getOrDefault("SEKISHO_NAMESPACE", "sekisho-system"),
        Path.of(env.getOrDefault("SEKISHO_STORE_DIR", "sekisho-store")),
        port(env, "SEKISHO_API_PORT", 8443),
        env.containsKey("SEKISHO_API_TLS_DIR") ? Path.of(env.get("SEKISHO_API_TLS_DIR")) : null,
        bool(env, "SEKISHO_API_INSECURE_HTTP", false),
        port(env, "SEKISHO_HEALTH_PORT", 8081),
        port(env, "SEKISHO_METRICS_PORT", 9090),
        bool(env, "SEKISHO_LEADER_ELECTION", true),
        env.getOrDefault("SEKISHO_LEASE_NAME", "sekisho-operator"),
        bool(env, "SEKISHO_EXIT_ON_LOST_LEASE", true),
        list(env.get("SEKISHO_TOKEN_AUDIENCES")),
        size(env, "SEKISHO_API_MAX_BODY", 32L << 20),
        (int) size(env, "SEKISHO_API_THREADS", 8),
        duration(env, "SEKISHO_DB_UPDATE_INTERVAL", Duration.ofHours(6)),
        list(env.get("SEKISHO_DB_SOURCES")),
        env.containsKey("SEKISHO_DB_BUNDLE") ? Path.of(env.get("SEKISHO_DB_BUNDLE")) : null,
        blankToNull(env.get("SEKISHO_DB_KEV")),
        list(env.get("SEKISHO_DB_CVSS")),
        blankToNull(env.get("SEKISHO_DB_EPSS")),
        name(env, "SEKISHO_API_SERVICE", "sekisho-scan-api"),
        name(env, "SEKISHO_API_TLS_SECRET", "sekisho-scan-api-certs"),
        list(env.get("SEKISHO_API_TLS_HOSTS")),
        duration(env, "SEKISHO_API_TLS_REFRESH", Duration.ofHours(1)),
        name(env, "SEKISHO_API_CA_CONFIGMAP", "sekisho-scan-api-ca"),
        bool(env, "SEKISHO_API_CA_PUBLISH", true),
        blankToNull(env.get("SEKISHO_API_CA_NAMESPACE_SELECTOR")),
        env.getOrDefault("SEKISHO_BIND_ADDRESS", "0.0.0.0"),
        caPolicy(env),
        "0".equals(env.getOrDefault("SEKISHO_RESULT_RETENTION", "").trim())
            ? Duration.ZERO
            : duration(env, "SEKISHO_RESULT_RETENTION", DEFAULT_RESULT_RETENTION),
        positive(env, "SEKISHO_API_DECISION_WAIT", Duration.ofSeconds(30)),
        Admission.fromEnv(env),
        WorkloadConfig.fromEnv(env, (n, d) -> duration(env, n, d), (n, b) -> bool(env, n, b)),
        atLeastOne(env, "SEKISHO_NOTIFY_QUEUE", 1000),
        positive(env, "SEKISHO_NOTIFY_MAX_BACKOFF", Duration.ofMinutes(5)));
  }

  private static Duration positive(Map<String, String> env, String name, Duration fallback) {
    Duration d = duration(env, name, fallback);
    if (d.isZero()) {
      throw new IllegalArgumentException(name + "=" + env.get(name) + ": must be positive");
    }
    return d;
  }

  private static int atLeastOne(Map<String, String> env, String name, int fallback) {
    long n = size(env, name, fallback);
    if (n < 1 || n > 1_000_000) {
      throw new IllegalArgumentException(
          name + "=" + env.get(name) + ": must be between 1 and 1000000");
    }
    return (int) n;
  }

  /** ScanResults of images no pod runs are kept this long after their last scan by default. */
  public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofDays(30);

  private static CaPolicy caPolicy(Map<String, String> env) {
    Duration validity = duration(env, "SEKISHO_API_CA_VALIDITY", CaPolicy.DEFAULT.validity());
    Duration renewBefore =
        duration(env, "SEKISHO_API_CA_RENEW_BEFORE", CaPolicy.DEFAULT.renewBefore());
    Duration overlap = duration(env, "SEKISHO_API_CA_OVERLAP", CaPolicy.DEFAULT.overlap());
    if (validity.isZero()) {
      throw new IllegalArgumentException("SEKISHO_API_CA_VALIDITY=0: must be positive");
    }
    if (overlap.isZero()) {
      throw new IllegalArgumentException("SEKISHO_API_CA_OVERLAP=0: must be positive");
    }
    if (renewBefore.compareTo(validity) >= 0) {
      throw new IllegalArgumentException(
          "SEKISHO_API_CA_RENEW_BEFORE ("
              + renewBefore
              + ") must be shorter than SEKISHO_API_CA_VALIDITY ("
              + validity
              + ")");
    }
    if (overlap.compareTo(renewBefore) >= 0) {
      throw new IllegalArgumentException(
          "SEKISHO_API_CA_OVERLAP ("
              + overlap
              + ") must be shorter than SEKISHO_API_CA_RENEW_BEFORE ("
              + renewBefore
              + ")");
    }
    return new CaPolicy(validity, renewBefore, overlap);
  }

  static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    Matcher m = DURATION.matcher(v.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          name + "=" + v + ": expected a duration like 30s, 15m, 6h, 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static long size(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    Matcher m = SIZE.matcher(v.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          name + "=" + v + ": expected a number, optionally with Ki, Mi or Gi");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    return switch (unit) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      case "Gi" -> n << 30;
      default -> n;
    };
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    long p = size(env, name, fallback);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(name + "=" + p + ": not a port number");
    }
    return (int) p;
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(name + "=" + v + ": expected true or false");
    };
  }

  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  private static String name(Map<String, String> env, String variable, String fallback) {
    String v = env.get(variable);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    if (!DNS_LABEL.matcher(v.trim()).matches()) {
      throw new IllegalArgumentException(
          variable + "=" + v + ": expected a Kubernetes object name (lower case, digits, '-')");
    }
    return v.trim();
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static List<String> list(String v) {
    return v == null || v.isBlank()
        ? List.of()
        : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
