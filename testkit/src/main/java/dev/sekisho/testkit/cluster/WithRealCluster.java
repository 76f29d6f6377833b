package dev.sekisho.testkit.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real single-node cluster ({@link RealCluster}): declare a parameter of type
 * {@link RealCluster} or {@link io.fabric8.kubernetes.client.KubernetesClient} (the admin client)
 * in a constructor, lifecycle or test method.
 *
 * <p>One cluster serves every test class of the JVM; it starts with the first class that needs it
 * (about a minute) and stops after the last one. Tests isolate themselves with {@link
 * RealCluster#createNamespace(String)}.
 *
 * <p>The tests are skipped, with the reason, when the JVM does not run as root or a binary is
 * missing (hack/setup.sh installs and builds them all), or with {@code
 * SEKISHO_SKIP_REAL_CLUSTER=1}. With {@code SEKISHO_REQUIRE_REAL_CLUSTER=1} (CI) a missing
 * prerequisite fails them instead.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealClusterExtension.class)
public @interface WithRealCluster {}
