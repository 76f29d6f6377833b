package dev.sekisho.testkit.kube;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real kube-apiserver and etcd (see {@link KubeApiServer}): declare a
 * parameter of type {@link KubeApiServer} or {@link io.fabric8.kubernetes.client.KubernetesClient}
 * (the admin client) in a constructor, lifecycle or test method.
 *
 * <p>One server serves every test class of the JVM; it starts with the first class that needs it
 * and stops after the last one. Tests isolate themselves with {@link
 * KubeApiServer#createNamespace(String)}.
 *
 * <p>When the binaries are missing the tests fail, naming {@code hack/test-binaries.sh}; with
 * {@code SEKISHO_SKIP_KUBE=1} they are skipped (reported as aborted, with the reason) instead.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KubeApiServerExtension.class)
public @interface WithKubeApiServer {
  /** Apply the project's CRDs ({@code manifests/crds}) before the class's tests run. */
  boolean crds() default false;
}
