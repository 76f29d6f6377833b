package dev.sekisho.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension behind {@link WithKubeApiServer}. It keeps one {@link KubeApiServer} in the
 * root store, so all test classes of a JVM share it; JUnit closes it after the last test, and a
 * shutdown hook stops the processes if the JVM ends another way.
 */
public final class KubeApiServerExtension
    implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(KubeApiServerExtension.class);

  /** Environment variable: {@code 1} skips the tests that need an API server. */
  public static final String SKIP_ENV = "SEKISHO_SKIP_KUBE";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    if (skipRequested(System.getenv())) {
      return; // every test of the class is disabled by evaluateExecutionCondition
    }
    KubeApiServer server = server(context);
    boolean crds =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKubeApiServer.class)
            .map(WithKubeApiServer::crds)
            .orElse(false);
    if (crds) {
      server.applySekishoCrds();
    }
  }

  /**
   * With {@code SEKISHO_SKIP_KUBE=1}, disables the test class with the reason, so build tools
   * report it as skipped (a class aborted by an assumption shows up as zero tests).
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestClass().isEmpty() || !skipRequested(System.getenv())) {
      return ConditionEvaluationResult.enabled("a real kube-apiserver is wanted");
    }
    return ConditionEvaluationResult.disabled(skipReason(KubeTestBinaries.fromEnvironment()));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubeApiServer.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KubeApiServer server = server(context);
    return parameter.getParameter().getType() == KubeApiServer.class
        ? server
        : server.adminClient();
  }

  /**
   * The JVM's shared API server, started on first use.
   *
   * @throws org.opentest4j.TestAbortedException when {@code SEKISHO_SKIP_KUBE=1}
   * @throws IllegalStateException when the binaries are missing or the server cannot start (the
   *     first failure is remembered, so later classes fail fast with the same message)
   */
  public static KubeApiServer server(ExtensionContext context) {
    KubeTestBinaries binaries = KubeTestBinaries.fromEnvironment();
    checkPreconditions(System.getenv(), binaries);
    Shared shared =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Shared.class, k -> Shared.start(binaries), Shared.class);
    return shared.server();
  }

  /** Skips (aborts) on {@code SEKISHO_SKIP_KUBE=1}, fails when a binary is missing. */
  static void checkPreconditions(Map<String, String> env, KubeTestBinaries binaries) {
    Assumptions.assumeFalse(skipRequested(env), () -> skipReason(binaries));
    if (!binaries.missing().isEmpty()) {
      throw new IllegalStateException(binaries.missingMessage());
    }
  }

  private static String skipReason(KubeTestBinaries binaries) {
    return SKIP_ENV
        + "=1: skipping a test that needs a real kube-apiserver (binaries expected in "
        + binaries.directory()
        + ")";
  }

  private static boolean skipRequested(Map<String, String> env) {
    return "1".equals(env.get(SKIP_ENV));
  }

  /** The server, or why it could not start; closed by JUnit with the root store. */
  private static final class Shared implements AutoCloseable {
    private final KubeApiServer server;
    private final RuntimeException failure;
    private final Thread hook;

    private Shared(KubeApiServer server, RuntimeException failure) {
      this.server = server;
      this.failure = failure;
      this.hook = server == null ? null : new Thread(server::close, "kube-apiserver-stop");
      if (hook != null) {
        Runtime.getRuntime().addShutdownHook(hook);
      }
    }

    static Shared start(KubeTestBinaries binaries) {
      try {
        return new Shared(KubeApiServer.start(binaries), null);
      } catch (RuntimeException e) {
        log.error("cannot start the test kube-apiserver", e);
        return new Shared(null, e);
      }
    }

    KubeApiServer server() {
      if (failure != null) {
        throw new IllegalStateException(
            "the test kube-apiserver could not start: " + failure.getMessage(), failure);
      }
      return server;
    }

    @Override
    public void close() {
      if (server == null) {
        return;
      }
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook has run or will find the server closed
      }
    }
  }
}
