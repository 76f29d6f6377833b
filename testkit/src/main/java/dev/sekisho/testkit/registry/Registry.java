package dev.sekisho.testkit.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses which shared registry a {@link TestRegistry} parameter receives. A parameter without this
 * annotation gets the anonymous one.
 *
 * <pre>{@code
 * @RegistryTest
 * class PullIT {
 *   @Test
 *   void pulls(@Registry(RegistryAuth.BASIC) TestRegistry registry) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface Registry {
  /** The registry's authentication mode. */
  RegistryAuth value() default RegistryAuth.ANONYMOUS;
}
