package dev.sekisho.testkit;

import dev.sekisho.testkit.kube.WithKubeApiServer;
import dev.sekisho.testkit.registry.RegistryTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The whole test environment in one line: a real kube-apiserver with the project's CRDs applied
 * ({@link WithKubeApiServer}), the real OCI registries and the fixture images ({@link
 * RegistryTest}). Declare parameters of type {@link dev.sekisho.testkit.kube.KubeApiServer}, {@link
 * io.fabric8.kubernetes.client.KubernetesClient} (admin), {@link
 * dev.sekisho.testkit.registry.TestRegistry} (optionally {@link
 * dev.sekisho.testkit.registry.Registry @Registry(BASIC)}) and {@link
 * dev.sekisho.testkit.fixtures.Fixtures}.
 *
 * <p>Each component is shared by the whole test JVM and started on first use. A component that is
 * missing makes the test fail with a message naming the script that provides it; only {@code
 * SEKISHO_SKIP_KUBE=1} turns the API server part into a reported skip.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@WithKubeApiServer(crds = true)
@RegistryTest
public @interface SekishoIntegrationTest {}
