package dev.sekisho.operator.testing;

import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.testkit.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Namespaces whose pipeline ServiceAccount may submit scans to the operator: the one Role ({@code
 * create} on {@code scanresults/submit}) and RoleBinding an admin adds per pipeline namespace (as
 * in {@code manifests/examples/}).
 */
public final class ScanSubmitters {
  /** The ServiceAccount Tekton (OpenShift Pipelines) runs pipelines as. */
  public static final String PIPELINE_SA = "pipeline";

  /** Name of the Role granting the submit right. */
  public static final String ROLE = "sekisho-scan-submitter";

  private ScanSubmitters() {}

  /**
   * A new namespace {@code <prefix>-<random>} with a {@value #PIPELINE_SA} ServiceAccount allowed
   * to submit scans.
   *
   * @return the namespace name
   */
  public static String namespaceWithSubmitter(KubeApiServer kube, String prefix) {
    String ns = kube.createNamespace(prefix);
    kube.ensureServiceAccount(ns, PIPELINE_SA);
    grant(kube.adminClient(), ns, PIPELINE_SA);
    return ns;
  }

  /** Lets {@code serviceAccount} (which must exist) submit scans in {@code namespace}. */
  public static void grant(KubernetesClient admin, String namespace, String serviceAccount) {
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(ROLE)
                .withNamespace(namespace)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups(Constants.GROUP)
                        .withResources("scanresults/submit")
                        .withVerbs("create")
                        .build())
                .build())
        .serverSideApply();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(serviceAccount + "-" + ROLE)
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", ROLE)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(serviceAccount)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .serverSideApply();
  }
}
