package dev.sekisho.testkit.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension behind {@link WithRealCluster}: one {@link RealCluster} in the root store,
 * shared by all test classes of a JVM, closed by JUnit after the last one (and by a shutdown hook
 * when the JVM ends another way).
 */
public final class RealClusterExtension implements ExecutionCondition, ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(RealClusterExtension.class);

  /** Environment variable: {@code 1} skips the tests that need a real cluster. */
  public static final String SKIP_ENV = "SEKISHO_SKIP_REAL_CLUSTER";

  /** Environment variable: {@code 1} fails (not skips) when the cluster cannot run here. */
  public static final String REQUIRE_ENV = "SEKISHO_REQUIRE_REAL_CLUSTER";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealClusterExtension.class);

  /**
   * Disables the class, with the reason, when asked to ({@link #SKIP_ENV}) or when the machine
   * cannot run a cluster (not root, binaries missing) and {@link #REQUIRE_ENV} is not set.
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return condition(
        System.getenv(), RealCluster.unavailableReason(NodeBinaries.fromEnvironment()));
  }

  static ConditionEvaluationResult condition(Map<String, String> env, String unavailable) {
    if ("1".equals(env.get(SKIP_ENV))) {
      return ConditionEvaluationResult.disabled(
          SKIP_ENV + "=1: skipping a test that needs the real test cluster");
    }
    if (unavailable != null && !"1".equals(env.get(REQUIRE_ENV))) {
      return ConditionEvaluationResult.disabled(
          "skipped: " + unavailable + " (set " + REQUIRE_ENV + "=1 to fail instead of skipping)");
    }
    return ConditionEvaluationResult.enabled("a real cluster can run here");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RealCluster.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    RealCluster cluster = cluster(context);
    return parameter.getParameter().getType() == RealCluster.class ? cluster : cluster.client();
  }

  /**
   * The JVM's shared cluster, started on first use.
   *
   * @throws IllegalStateException when it cannot start (the first failure is remembered, so later
   *     classes fail fast with the same message)
   */
  public static RealCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Shared.class, k -> Shared.start(), Shared.class)
        .cluster();
  }

  /**
   * Closes the JVM's shared cluster if one runs, so that a test can start clusters of its own; the
   * next class that needs the shared cluster starts a new one.
   */
  static void closeShared(ExtensionContext context) {
    Shared shared = context.getRoot().getStore(NAMESPACE).remove(Shared.class, Shared.class);
    if (shared != null) {
      shared.close();
    }
  }

  /** The cluster, or why it could not start; closed by JUnit with the root store. */
  private static final class Shared implements AutoCloseable {
    private final RealCluster cluster;
    private final RuntimeException failure;
    private final Thread hook;

    private Shared(RealCluster cluster, RuntimeException failure) {
      this.cluster = cluster;
      this.failure = failure;
      this.hook = cluster == null ? null : new Thread(cluster::close, "real-cluster-stop");
      if (hook != null) {
        Runtime.getRuntime().addShutdownHook(hook);
      }
    }

    static Shared start() {
      try {
        return new Shared(RealCluster.start(NodeBinaries.fromEnvironment()), null);
      } catch (RuntimeException e) {
        log.error("cannot start the real test cluster", e);
        return new Shared(null, e);
      }
    }

    RealCluster cluster() {
      if (failure != null) {
        throw new IllegalStateException(
            "the real test cluster could not start: " + failure.getMessage(), failure);
      }
      return cluster;
    }

    @Override
    public void close() {
      if (cluster == null) {
        return;
      }
      cluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook has run or will find the cluster closed
      }
    }
  }
}
