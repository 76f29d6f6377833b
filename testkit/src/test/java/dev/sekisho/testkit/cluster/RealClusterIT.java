package dev.sekisho.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.Awaiting;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real single-node cluster: a Deployment from the cluster's registry runs restricted (arbitrary
 * UID, read-only root file system, no capabilities, Pod Security "restricted" enforced), a pod
 * calls the API server through the {@code kubernetes} Service with its projected token, reaches a
 * Service by DNS name through its ClusterIP, and logs are read through the API.
 */
@WithRealCluster
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealClusterIT {
  private static final long ARBITRARY_UID = 1000680000L;
  private static final Duration POD_TIMEOUT = Duration.ofMinutes(4);

  private final RealCluster cluster;
  private final KubernetesClient client;

  RealClusterIT(RealCluster cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  @Test
  void theNodeIsReadyOnContainerdWithItsAddressOnTheHostInterface() {
    Node node = client.nodes().withName(RealCluster.NODE_NAME).get();

    assertThat(node.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion())
        .startsWith("containerd://");
    assertThat(node.getStatus().getAddresses())
        .extracting(NodeAddress::getType, NodeAddress::getAddress)
        .contains(
            org.assertj.core.groups.Tuple.tuple("InternalIP", cluster.network().hostAddress()));
    assertThat(cluster.startupTime()).isPositive();
  }

  @Test
  void aRestrictedDeploymentServesAConfigMapThroughItsServiceToAPodThatAlsoCallsTheApiServer() {
    String ns = restrictedNamespace("web");
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("greeting")
                .endMetadata()
                .withData(Map.of("text", "hello from a ConfigMap\n"))
                .build())
        .create();
    client.apps().deployments().inNamespace(ns).resource(webDeployment()).create();
    Service service = client.services().inNamespace(ns).resource(webService()).create();
    // the pod lists pods in its namespace with its own token
    client
        .rbac()
        .roles()
        .inNamespace(ns)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("pod-reader")
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("pods")
                .withVerbs("get", "list")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace(ns)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("pod-reader")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-reader")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("default")
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();

    await(
        ns,
        "Deployment web is available",
        () -> {
          Deployment d = client.apps().deployments().inNamespace(ns).withName("web").get();
          return d.getStatus() != null
              && d.getStatus().getAvailableReplicas() != null
              && d.getStatus().getAvailableReplicas() == 1;
        });
    Pod web = client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().getFirst();
    assertThat(client.pods().inNamespace(ns).withName(web.getMetadata().getName()).getLog())
        .as("the Deployment's pod log, read through the API (kubelet)")
        .contains("uid=" + ARBITRARY_UID + " gid=0 rootfs=read-only")
        .contains("serving on :8080");
    String digest = cluster.testpodDigestImage().replaceAll(".*@", "");
    assertThat(digest).startsWith("sha256:");
    assertThat(web.getStatus().getContainerStatuses().getFirst().getImageID())
        .as("pulled by digest from the cluster's registry")
        .endsWith("@" + digest);
    assertThat(service.getSpec().getClusterIP()).startsWith("10.213.128.");
    ChildProcess.Result exec =
        ChildProcess.run(
            new ProcessBuilder(
                cluster.apiServer().binaries().kubectl().toString(),
                "--kubeconfig=" + cluster.apiServer().kubeconfig(),
                "-n",
                ns,
                "exec",
                web.getMetadata().getName(),
                "--",
                "/testpod",
                "cat",
                "/config/greeting/text"),
            Duration.ofMinutes(1));
    assertThat(exec.stdout())
        .as("kubectl exec through the API server and the kubelet: %s", exec.output())
        .isEqualTo("hello from a ConfigMap\n");

    String apiPath = "/api/v1/namespaces/" + ns + "/pods/caller";
    String apiUrl = cluster.inClusterApiServerUrl() + apiPath;
    String sa = "/var/run/secrets/kubernetes.io/serviceaccount/";
    // the registry the node pulls from, fetched by a pod (as a scan step does)
    String tagsUrl =
        cluster.registry().baseUri() + "/v2/" + RealCluster.TESTPOD_REPOSITORY + "/tags/list";
    Pod caller =
        new PodBuilder()
            .withNewMetadata()
            .withName("caller")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withInitContainers(
                container("api", "get", apiUrl, sa + "ca.crt", sa + "token"),
                // as in-cluster clients (client-go, fabric8) do: the Service's IP from the env
                container(
                    "api-by-ip",
                    "get",
                    "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)" + apiPath,
                    sa + "ca.crt",
                    sa + "token"),
                container("id", "id"),
                container("registry", "get", tagsUrl))
            .withContainers(container("web", "get", "http://web." + ns + ".svc/"))
            .endSpec()
            .build();
    client.pods().inNamespace(ns).resource(caller).create();
    await(
        ns,
        "pod caller finished",
        () -> {
          String phase =
              client.pods().inNamespace(ns).withName("caller").get().getStatus().getPhase();
          return "Succeeded".equals(phase) || "Failed".equals(phase);
        });

    String report = podReport(ns);
    assertThat(client.pods().inNamespace(ns).withName("caller").get().getStatus().getPhase())
        .as(report)
        .isEqualTo("Succeeded");
    assertThat(log(ns, "caller", "api"))
        .as("GET of its own pod through the kubernetes Service with the projected token")
        .contains("status 200")
        .contains("\"name\":\"caller\"");
    assertThat(log(ns, "caller", "api-by-ip"))
        .as("the same through KUBERNETES_SERVICE_HOST, %s", cluster.network().kubernetesServiceIp())
        .contains("status 200")
        .contains("\"name\":\"caller\"");
    assertThat(log(ns, "caller", "id"))
        .contains("uid=" + ARBITRARY_UID + " gid=0 rootfs=read-only");
    assertThat(log(ns, "caller", "registry"))
        .as("GET of the testpod image's tags from the cluster's registry")
        .contains("status 200")
        .contains("\"tags\":[\"" + RealCluster.TESTPOD_TAG + "\"]");
    assertThat(log(ns, "caller", "web"))
        .as("GET http://web.%s.svc/ (CoreDNS, kube-proxy, the optional ConfigMap volume)", ns)
        .contains("status 200")
        .contains("hello from a ConfigMap");
  }

  @Test
  void aSecondClusterIsRefusedAndLeavesTheRunningOneAlone() {
    assertThatThrownBy(() -> RealCluster.start(NodeBinaries.fromEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running");

    assertThat(Commands.run("ip", "link", "show", cluster.network().bridge()).exitCode())
        .as("the running cluster's bridge is still there")
        .isZero();
    String ns = cluster.createNamespace("after-refusal");
    assertThat(client.namespaces().withName(ns).get()).isNotNull();
    assertThat(client.nodes().withName(RealCluster.NODE_NAME).get().getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  /** A namespace that enforces the "restricted" Pod Security level. */
  private String restrictedNamespace(String prefix) {
    String ns = cluster.createNamespace(prefix);
    client
        .namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().setLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted"));
              return n;
            });
    Awaiting.until(
        "ConfigMap kube-root-ca.crt in " + ns,
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    return ns;
  }

  private Deployment webDeployment() {
    Container web = container("web", "serve", ":8080", "@/config/greeting/text");
    web.setImage(cluster.testpodDigestImage()); // pulled by digest
    web.setVolumeMounts(
        List.of(
            new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                .withName("greeting")
                .withMountPath("/config/greeting")
                .withReadOnly(true)
                .build(),
            new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                .withName("absent")
                .withMountPath("/config/absent")
                .withReadOnly(true)
                .build()));
    web.setPorts(
        List.of(
            new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                .withContainerPort(8080)
                .build()));
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(Map.of("app", "web"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .withContainers(web)
        .addNewVolume()
        .withName("greeting")
        .withNewConfigMap()
        .withName("greeting")
        .withOptional(true)
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("absent")
        .withNewConfigMap()
        .withName("no-such-config-map")
        .withOptional(true)
        .endConfigMap()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Service webService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withSelector(Map.of("app", "web"))
        .addNewPort()
        .withPort(80)
        .withNewTargetPort(8080)
        .endPort()
        .endSpec()
        .build();
  }

  /** A testpod container with the restricted security context and an arbitrary UID. */
  private Container container(String name, String... args) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(cluster.testpodImage())
        .withArgs(args)
        .withSecurityContext(restricted())
        .build();
  }

  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsUser(ARBITRARY_UID)
        .withRunAsNonRoot(true)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private String log(String ns, String pod, String container) {
    return client.pods().inNamespace(ns).withName(pod).inContainer(container).getLog();
  }

  /** The pods' phases, container states and the namespace's events, for failure messages. */
  private String podReport(String ns) {
    return PodReport.of(client, ns, cluster.logDir());
  }

  /** Waits for {@code condition}; on time-out fails with the namespace's pods and events. */
  private void await(String ns, String what, BooleanSupplier condition) {
    try {
      Awaiting.until(what, POD_TIMEOUT, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + podReport(ns), e);
    }
  }
}
