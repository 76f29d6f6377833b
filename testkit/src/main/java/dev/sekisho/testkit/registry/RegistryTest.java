package dev.sekisho.testkit.registry;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses the real OCI registry: test and lifecycle methods may then declare
 * parameters of type {@link TestRegistry} (optionally annotated with {@link Registry}) and {@link
 * dev.sekisho.testkit.fixtures.Fixtures}. See {@link RegistryExtension}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RegistryExtension.class)
public @interface RegistryTest {}
