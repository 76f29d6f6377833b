package dev.sekisho.testkit.registry;

import dev.sekisho.testkit.fixtures.Fixtures;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides real Distribution (Debian {@code docker-registry}) instances and
 * the fixture images. Use it through {@link RegistryTest}.
 *
 * <ul>
 *   <li>{@link TestRegistry} parameters: one registry per {@link RegistryAuth} mode per JVM,
 *       started on first use on {@code 127.0.0.1} with a random port and a temporary storage
 *       directory, shared by all test classes and stopped when the test run ends.
 *   <li>{@link Fixtures} parameters: the fixture image cache ({@link Fixtures#fromEnvironment()}).
 * </ul>
 *
 * <p>When the {@code docker-registry} binary is missing, resolving a registry fails with a message
 * that says to run {@code hack/setup.sh}.
 */
public final class RegistryExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RegistryExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestRegistry.class || type == Fixtures.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    Class<?> type = parameter.getParameter().getType();
    if (type == Fixtures.class) {
      return store.getOrComputeIfAbsent(
          Fixtures.class, key -> Fixtures.fromEnvironment(), Fixtures.class);
    }
    RegistryAuth auth =
        parameter
            .findAnnotation(Registry.class)
            .map(Registry::value)
            .orElse(RegistryAuth.ANONYMOUS);
    try {
      return store.getOrComputeIfAbsent(auth, key -> TestRegistry.start(auth), TestRegistry.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "cannot start the " + auth + " test registry: " + e.getMessage(), e);
    }
  }
}
