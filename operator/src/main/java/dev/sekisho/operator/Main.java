package dev.sekisho.operator;

import dev.sekisho.scanner.scan.ScannerVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the operator from environment variables (see {@link OperatorConfig}): everything {@link
 * OperatorProcess} wires, bound to all interfaces, stopped by the JVM's shutdown hook.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config;
    CrashPoint crashAt;
    try {
      config = OperatorConfig.fromEnv(System.getenv());
      crashAt = CrashPoint.arm(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("sekisho-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (crashAt != null) {
      LOG.warn(
          "{}={} is set: this operator halts when it reaches that point (a testing aid, never for"
              + " a cluster)",
          CrashPoint.ENV,
          crashAt.id());
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorProcess process =
        new OperatorProcess(
            config,
            client,
            InetAddress.getByName(config.bindAddress()),
            Clock.systemUTC(),
            version(),
            null);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      LOG.info("stopping");
                      process.close();
                      client.close();
                    }));
    process.start();
    LOG.info(
        "started api={} health={} metrics={} leaderElection={} store={}",
        process.apiAddress(),
        process.healthAddress(),
        process.metricsAddress(),
        config.leaderElection(),
        config.storeDir());
    if (process.matcher().database().isEmpty()) {
      LOG.warn(
          "no vulnerability database is loaded yet: the scan API answers 503 and /readyz fails"
              + " until the first update finishes");
    }
  }

  /**
   * The version the operator reports (logs, {@code spec.scanner.version} of ScanResults): the
   * scanner's, from the build. Not the jar manifest's: the image runs classes, not the jar.
   */
  static String version() {
    return ScannerVersion.current();
  }
}
