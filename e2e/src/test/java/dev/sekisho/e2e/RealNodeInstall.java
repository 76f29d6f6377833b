package dev.sekisho.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sekisho.api.v1alpha1.ClusterScanPolicy;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.TestCache;
import dev.sekisho.testkit.cluster.PodReport;
import dev.sekisho.testkit.cluster.RealCluster;
import dev.sekisho.testkit.images.BuiltImages;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeTestBinaries;
import dev.sekisho.testkit.kube.SekishoCrds;
import dev.sekisho.testkit.tekton.TektonController;
import dev.sekisho.testkit.tekton.TektonImages;
import dev.sekisho.testkit.tekton.TektonRelease;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sekisho installed on the {@link RealCluster} as a user installs it, from what the build made:
 *
 * <ol>
 *   <li>the task and operator images of the nested Jib build ({@link BuiltImages}), pushed to the
 *       cluster's registry; Tekton's own images ({@link TektonImages}) pushed there too, and
 *       Tekton's controller ({@link TektonController}) started with them and with the {@code
 *       set-security-context} flag an admin of a restricted cluster turns on (docs/admin-guide.md);
 *   <li>the air-gapped vulnerability database of docs/admin-guide.md: {@code sekisho db update
 *       --osv-url} from an OSV mirror (a generated archive served on 127.0.0.1), {@code sekisho db
 *       bundle}, the bundle on a PersistentVolume claimed in {@code sekisho-system};
 *   <li>storage: this cluster has no dynamic provisioner, so a hostPath PersistentVolume for the
 *       chart's {@code sekisho-store} claim, writable by the operator's UID, as an admin creates
 *       one (docs/admin-guide.md, "Storage without a provisioner");
 *   <li>{@link Kind#HELM}: {@code helm install sekisho charts/sekisho -n sekisho-system} overriding
 *       only the image references and {@code database.airGapped.*}; {@link Kind#KUSTOMIZE}: {@code
 *       kubectl apply -k} of an overlay of {@code manifests/operator/base} that sets only the
 *       operator image ({@code images:}) and adds the air-gapped bundle volume with the patch
 *       docs/admin-guide.md gives for kustomize;
 *   <li>per pipeline namespace: {@code manifests/tekton/scan-image.yaml} as shipped (the
 *       PipelineRuns pass the step image this build pushed as its {@code SCANNER_IMAGE} param), and
 *       the RoleBinding to {@code sekisho-scan-submitter} of the guide.
 * </ol>
 *
 * <p>{@link #close()} uninstalls as an admin does ({@code helm uninstall} or {@code kubectl delete
 * -k}) and waits until the namespace, the cluster-scoped objects and the volumes are gone, so the
 * other kind can be installed next on the same cluster.
 */
final class RealNodeInstall implements AutoCloseable {
  /** How Sekisho is installed: docs/admin-guide.md, "Install". */
  enum Kind {
    HELM,
    KUSTOMIZE
  }

  private static final Logger log = LoggerFactory.getLogger(RealNodeInstall.class);

  static final String NAMESPACE = "sekisho-system";
  static final String DEPLOYMENT = "sekisho-operator";
  static final String BUNDLE_CLAIM = "sekisho-db-bundles";

  /** The shipped Task's step image, which a user replaces with their mirror's reference. */
  static final String SHIPPED_STEP_IMAGE = "ghcr.io/sekisho/sekisho-task:0.1.0";

  /** The UID the operator image runs as (hack/base-image.sh), owner of the store volume. */
  static final int OPERATOR_UID = 1001;

  private static final Duration OPERATOR_READY_TIMEOUT = Duration.ofMinutes(6);

  static final String SCAN_API_CA = "sekisho-scan-api-ca";
  private static final List<String> CLUSTER_ROLES =
      List.of(
          "sekisho-operator", "sekisho-namespace-admin", "sekisho-view", "sekisho-scan-submitter");
  private static final List<String> VOLUMES = List.of("sekisho-e2e-bundles", "sekisho-e2e-store");
  private static final Duration UNINSTALL_TIMEOUT = Duration.ofMinutes(3);

  private final RealCluster cluster;
  private final KubernetesClient admin;
  private final Path volumes;
  private final Kind kind;
  private Path overlay;
  private boolean installed;
  private final Map<String, Duration> times = new LinkedHashMap<>();
  private String taskImage;
  private String operatorImage;
  private TektonImages.References tektonImages;
  private TektonController tekton;

  RealNodeInstall(RealCluster cluster, Path volumes, Kind kind) {
    this.cluster = cluster;
    this.admin = cluster.client();
    this.volumes = volumes;
    this.kind = kind;
  }

  /** Builds and pushes the images, starts Tekton, installs the operator and waits until ready. */
  void install(List<OsvFixtures.Rec> advisories) throws Exception {
    long began = System.nanoTime();
    BuiltImages built = BuiltImages.get();
    lap("image build (nested Jib build of the task and operator images)", began);

    began = System.nanoTime();
    taskImage = BuiltImages.push(cluster.registry(), built.taskImage(), "sekisho/sekisho-task:e2e");
    operatorImage =
        BuiltImages.push(cluster.registry(), built.operatorImage(), "sekisho/sekisho-operator:e2e");
    tektonImages = TektonImages.of(TektonRelease.fromEnvironment()).push(cluster.registry());
    lap("push of the Sekisho and Tekton images", began);

    began = System.nanoTime();
    tekton =
        TektonController.builder(cluster.apiServer())
            .images(tektonImages)
            .featureFlag("set-security-context", "true")
            .logFile(Path.of("target", "e2e", "real-node-tekton-controller.log").toAbsolutePath())
            .start();
    lap("Tekton's controller", began);

    began = System.nanoTime();
    Path bundle = makeBundle(advisories);
    lap("sekisho db update + db bundle", began);

    began = System.nanoTime();
    installed = true;
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    Path bundleDir = volumeDir("bundles", 0, "rwxr-xr-x");
    Path copied = bundleDir.resolve(bundle.getFileName().toString());
    Files.copy(bundle, copied);
    Files.setPosixFilePermissions(copied, PosixFilePermissions.fromString("rw-r--r--"));
    hostPathVolume(VOLUMES.get(0), bundleDir, "1Gi", BUNDLE_CLAIM);
    admin
        .persistentVolumeClaims()
        .inNamespace(NAMESPACE)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(BUNDLE_CLAIM)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("")
                .withVolumeName(VOLUMES.get(0))
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    // the chart's claim sekisho-store (5Gi, default storage class: none here)
    hostPathVolume(
        VOLUMES.get(1), volumeDir("store", OPERATOR_UID, "rwx------"), "5Gi", "sekisho-store");
    if (kind == Kind.HELM) {
      helm(
          "install",
          "sekisho",
          SekishoCrds.repositoryRoot().resolve("charts/sekisho").toString(),
          "--namespace",
          NAMESPACE,
          "--set",
          "image.repository=" + repository(operatorImage),
          "--set",
          "image.tag=e2e",
          "--set",
          "taskImage.repository=" + repository(taskImage),
          "--set",
          "taskImage.tag=e2e",
          "--set",
          "database.airGapped.enabled=true",
          "--set",
          "database.airGapped.bundleClaimName=" + BUNDLE_CLAIM);
    } else {
      overlay = writeOverlay();
      kubectl("apply", "-k", overlay.toString());
    }
    awaitOperatorReady();
    lap(kind.name().toLowerCase(Locale.ROOT) + " install until the operator is ready", began);
  }

  /**
   * The overlay an admin writes: {@code manifests/operator/base} with only the operator image set
   * and the air-gapped bundle patch copied from docs/admin-guide.md ("Air-gapped clusters").
   */
  private Path writeOverlay() throws IOException {
    Path dir = Files.createDirectories(volumes.resolve("kustomize-overlay"));
    Path base = SekishoCrds.repositoryRoot().resolve("manifests/operator/base").toAbsolutePath();
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        images:
          - name: ghcr.io/sekisho/sekisho-operator
            newName: %s
            newTag: e2e
        patches:
          - path: air-gapped.yaml
        """
            .formatted(dir.relativize(base), repository(operatorImage)));
    Files.writeString(dir.resolve("air-gapped.yaml"), airGappedPatchOfTheGuide());
    return dir;
  }

  /** The {@code # air-gapped.yaml} patch of docs/admin-guide.md, as an admin copies it. */
  private static String airGappedPatchOfTheGuide() throws IOException {
    String guide = Files.readString(SekishoCrds.repositoryRoot().resolve("docs/admin-guide.md"));
    String start = "```yaml\n# air-gapped.yaml\n";
    int from = guide.indexOf(start);
    assertThat(from).as("docs/admin-guide.md shows the kustomize air-gapped patch").isNotNegative();
    String patch =
        guide.substring(from + start.length(), guide.indexOf("```", from + start.length()));
    assertThat(patch).as("the guide's patch names the bundle claim").contains(BUNDLE_CLAIM);
    return patch;
  }

  private void kubectl(String... args) {
    Path kubectl = KubeTestBinaries.fromEnvironment().kubectl();
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig");
    command.add(cluster.apiServer().kubeconfig().toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOME", volumes.toString());
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofMinutes(4));
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.output()).isZero();
    log.info(
        "kubectl {}: {}", args[0], r.stdout().lines().limit(40).collect(Collectors.joining(" | ")));
  }

  /** Waits until the operator's Deployment has one available replica (its readiness probe). */
  void awaitOperatorReady() {
    try {
      Awaiting.until(
          "the operator Deployment " + NAMESPACE + "/" + DEPLOYMENT + " is available",
          OPERATOR_READY_TIMEOUT,
          () -> {
            Deployment d =
                admin.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get();
            return d != null
                && d.getStatus() != null
                && d.getStatus().getAvailableReplicas() != null
                && d.getStatus().getAvailableReplicas() == 1
                && d.getStatus().getUpdatedReplicas() != null
                && d.getStatus().getUpdatedReplicas() == 1;
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + podReport(NAMESPACE), e);
    }
  }

  /** Scales the operator's Deployment (as {@code kubectl scale} does). */
  void scaleOperator(int replicas) {
    admin.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).scale(replicas);
    if (replicas == 0) {
      Awaiting.until("no operator pod left", Duration.ofMinutes(2), () -> operatorPods().isEmpty());
    } else {
      awaitOperatorReady();
    }
  }

  List<Pod> operatorPods() {
    return admin
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("app.kubernetes.io/name", DEPLOYMENT)
        .list()
        .getItems();
  }

  /**
   * The shipped Task as it is: the PipelineRuns pass the step image the build pushed as its {@code
   * SCANNER_IMAGE} param (whose default is the released image).
   */
  GenericKubernetesResource scanImageTask() throws IOException {
    String yaml =
        Files.readString(SekishoCrds.repositoryRoot().resolve("manifests/tekton/scan-image.yaml"));
    assertThat(yaml)
        .as("the shipped Task takes the step image from its param, the released image by default")
        .contains("image: $(params.SCANNER_IMAGE)")
        .contains("default: " + SHIPPED_STEP_IMAGE);
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /**
   * {@code sekisho db update --osv-url <mirror> --ecosystem Alpine} then {@code sekisho db bundle},
   * with the CLI jar of this build, the mirror a generated archive served on 127.0.0.1.
   */
  private Path makeBundle(List<OsvFixtures.Rec> advisories) throws IOException {
    Path work = Files.createDirectories(volumes.resolve("db-bundle-work"));
    byte[] archive = OsvFixtures.zip(advisories, Map.of());
    HttpServer mirror =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    mirror.createContext(
        "/Alpine/all.zip",
        exchange -> {
          exchange.sendResponseHeaders(200, archive.length);
          exchange.getResponseBody().write(archive);
          exchange.close();
        });
    mirror.start();
    try {
      String osvUrl = "http://127.0.0.1:" + mirror.getAddress().getPort();
      Path db = work.resolve("sekisho-db");
      cli(
          work,
          "db",
          "update",
          "--db",
          db.toString(),
          "--osv-url",
          osvUrl,
          "--ecosystem",
          "Alpine");
      Path bundle = work.resolve("sekisho-db-bundle.zip");
      cli(work, "db", "bundle", "--db", db.toString(), "--output", bundle.toString());
      assertThat(bundle).isRegularFile();
      return bundle;
    } finally {
      mirror.stop(0);
    }
  }

  private static void cli(Path work, String... args) {
    Path jar = SekishoCrds.repositoryRoot().resolve("task-image/target/sekisho.jar");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    pb.environment().put("HOME", work.toString());
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofMinutes(5));
    assertThat(r.exitCode()).as("sekisho %s: %s", String.join(" ", args), r.output()).isZero();
  }

  private Path volumeDir(String name, int owner, String permissions) throws IOException {
    Path dir = Files.createDirectories(volumes.resolve("pv-" + name));
    Files.setAttribute(dir, "unix:uid", owner);
    Files.setAttribute(dir, "unix:gid", 0);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
    // the pods' processes must be able to walk down to it
    for (Path p = dir.getParent();
        p != null && p.startsWith(volumes.getParent());
        p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  /** A hostPath PersistentVolume reserved for the claim {@code sekisho-system/claim}. */
  private void hostPathVolume(String name, Path dir, String size, String claim) {
    admin
        .persistentVolumes()
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(size)))
                .withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withStorageClassName("")
                .withNewHostPath()
                .withPath(dir.toString())
                .withType("Directory")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(NAMESPACE)
                .withName(claim)
                .endClaimRef()
                .endSpec()
                .build())
        .create();
  }

  private void helm(String... args) {
    Path helm = TestCache.helm();
    assertThat(helm).as("helm missing at %s: run hack/tool-binaries.sh", helm).isExecutable();
    List<String> command = new ArrayList<>();
    command.add(helm.toString());
    command.addAll(List.of(args));
    command.add("--kubeconfig");
    command.add(cluster.apiServer().kubeconfig().toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Path home = volumes.resolve("helm-home");
    pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofMinutes(3));
    assertThat(r.exitCode()).as("helm %s: %s", String.join(" ", args), r.output()).isZero();
    log.info(
        "helm {}: {}", args[0], r.stdout().lines().limit(6).collect(Collectors.joining(" | ")));
  }

  private static String repository(String reference) {
    return reference.substring(0, reference.lastIndexOf(':'));
  }

  private void lap(String what, long began) {
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    times.put(what, took);
    log.info("real node install: {} took {} s", what, took.toSeconds());
    record("install: " + what + ": " + took.toSeconds() + " s");
  }

  /** Appends a line to {@code target/e2e/real-node-times.txt} (the measured times). */
  static void record(String line) {
    try {
      Path file = Path.of("target", "e2e", "real-node-times.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          java.time.Instant.now() + " " + line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("cannot record {}: {}", line, e.toString());
    }
  }

  /** How long each install stage took, in order. */
  Map<String, Duration> times() {
    return times;
  }

  String taskImage() {
    return taskImage;
  }

  String operatorImage() {
    return operatorImage;
  }

  TektonImages.References tektonImages() {
    return tektonImages;
  }

  TektonController tekton() {
    return tekton;
  }

  /** The operator's log (all its pods'), for failure messages. */
  String operatorLogTail() {
    StringBuilder out = new StringBuilder();
    for (Pod p : operatorPods()) {
      try {
        String logText =
            admin
                .pods()
                .inNamespace(NAMESPACE)
                .withName(p.getMetadata().getName())
                .tailingLines(30)
                .getLog();
        out.append("--- ").append(p.getMetadata().getName()).append('\n').append(logText);
      } catch (RuntimeException e) {
        out.append("--- ")
            .append(p.getMetadata().getName())
            .append(": no log: ")
            .append(e.getMessage());
      }
    }
    return out.toString();
  }

  /** The namespace's pods, their containers' states and its events, for failure messages. */
  String podReport(String ns) {
    return PodReport.of(admin, ns, cluster.logDir());
  }

  @Override
  public void close() {
    try {
      if (installed) {
        uninstall();
      }
    } finally {
      if (tekton != null) {
        tekton.close();
      }
    }
  }

  /**
   * Uninstalls as an admin does and waits until nothing of this install is left that the other kind
   * of install would collide with: the namespace, the cluster-scoped RBAC, the published CA
   * ConfigMaps and the PersistentVolumes (their directories go with the test's temporary
   * directory).
   */
  private void uninstall() {
    long began = System.nanoTime();
    // the test's policies: the chart leaves its CRDs (and so the policies) behind
    admin.resources(ClusterScanPolicy.class).delete();
    if (kind == Kind.HELM) {
      helm("uninstall", "sekisho", "--namespace", NAMESPACE, "--wait");
      admin.namespaces().withName(NAMESPACE).delete();
    } else if (overlay != null) {
      kubectl("delete", "-k", overlay.toString(), "--ignore-not-found", "--wait=true");
    } else {
      admin.namespaces().withName(NAMESPACE).delete();
    }
    Awaiting.until(
        "namespace " + NAMESPACE + " is gone",
        UNINSTALL_TIMEOUT,
        () -> admin.namespaces().withName(NAMESPACE).get() == null);
    Awaiting.until(
        "the ClusterRoles " + CLUSTER_ROLES + " and ClusterRoleBinding are gone",
        UNINSTALL_TIMEOUT,
        () ->
            CLUSTER_ROLES.stream()
                    .allMatch(n -> admin.rbac().clusterRoles().withName(n).get() == null)
                && admin.rbac().clusterRoleBindings().withName(DEPLOYMENT).get() == null);
    // the operator published its CA in every namespace; the next install publishes its own
    admin.configMaps().inAnyNamespace().withField("metadata.name", SCAN_API_CA).delete();
    for (String pv : VOLUMES) {
      admin.persistentVolumes().withName(pv).delete();
    }
    Awaiting.until(
        "the PersistentVolumes " + VOLUMES + " are gone",
        UNINSTALL_TIMEOUT,
        () -> VOLUMES.stream().allMatch(n -> admin.persistentVolumes().withName(n).get() == null));
    lap(kind.name().toLowerCase(Locale.ROOT) + " uninstall until nothing is left", began);
  }
}
