package dev.sekisho.testkit.cluster;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.ImageConfig;
import dev.sekisho.testkit.fixtures.LayerBuilder;
import dev.sekisho.testkit.fixtures.OciLayoutWriter;
import dev.sekisho.testkit.fixtures.Platform;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.registry.RegistryAuth;
import dev.sekisho.testkit.registry.TestRegistry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kubernetes cluster on this machine, for tests: etcd and kube-apiserver ({@link
 * KubeApiServer}), kube-controller-manager, kube-scheduler, containerd (CRI) with runc, the bridge
 * CNI plugin, a kubelet, kube-proxy (iptables mode) and CoreDNS, plus a {@link TestRegistry} the
 * node pulls from. Needs root (it creates interfaces and iptables rules and runs containers).
 *
 * <p>Addresses ({@link NodeNetwork#DEFAULT}): the API server, the kubelet, the registry and CoreDNS
 * listen on {@link NodeNetwork#hostAddress()} of a port-less bridge the harness creates; pods get
 * addresses on a bridge the harness creates and reach that address (and nothing outside the
 * machine: iptables guard rules drop anything else). Pods reach the API server through the {@code
 * kubernetes} Service ({@code https://kubernetes.default.svc}), and pull and fetch images by the
 * references {@link #push} returns.
 *
 * <p>What is not real: cgroups are off in containerd ({@code disable_cgroup}), so CPU and memory
 * limits are not enforced (requests still schedule); the kubelet accepts any caller on its port
 * (anonymous, AlwaysAllow; it listens only on the host address); all components authenticate with
 * the admin token; CoreDNS runs as a host process on the host address (the kubelet's {@code
 * clusterDNS}), not as a pod behind a Service, and answers only for the cluster domain.
 *
 * <p>All state lives under {@code <tmp>/sekisho-real-cluster} and logs under {@code
 * <tmp>/sekisho-real-cluster-logs} (kept after the run, replaced by the next one). {@link #close()}
 * deletes the pods, stops everything and removes what the harness added to the host; a start after
 * a killed run first removes what that run left.
 */
public final class RealCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RealCluster.class);

  /** The node's name. */
  public static final String NODE_NAME = "sekisho-node";

  /** Repository and tag of the {@code testpod} image (also the sandbox image). */
  public static final String TESTPOD_REPOSITORY = "sekisho-test/testpod";

  public static final String TESTPOD_TAG = "1";

  private static final Duration NODE_READY_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration COMPONENT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POD_DRAIN_TIMEOUT = Duration.ofSeconds(90);

  private final NodeBinaries binaries;
  private final NodeNetwork net;
  private final Path baseDir;
  private final Path logDir;
  private final HostPlumbing plumbing;
  private final List<Daemon> daemons = new ArrayList<>();
  private FileChannel lockChannel;
  private FileLock lock;
  private KubeApiServer apiServer;
  private TestRegistry registry;
  private String testpodImage;
  private String testpodDigestImage;
  private Daemon kubelet;
  private Daemon controllerManager;
  private Daemon scheduler;
  private Duration startupTime;
  private boolean closed;

  private RealCluster(NodeBinaries binaries, NodeNetwork net, Path tmp) {
    this.binaries = binaries;
    this.net = net;
    this.baseDir = tmp.resolve("sekisho-real-cluster");
    this.logDir = tmp.resolve("sekisho-real-cluster-logs");
    this.plumbing = new HostPlumbing(net, baseDir, logDir, binaries.kubeProxy());
  }

  /** Why a real cluster cannot start on this machine, or null when it can. */
  public static String unavailableReason(NodeBinaries binaries) {
    if (!isRoot()) {
      return "the real test cluster needs root (it creates network interfaces and iptables"
          + " rules and runs containers); run the tests as root after hack/setup.sh";
    }
    if (!binaries.missing().isEmpty()) {
      return binaries.missingMessage();
    }
    return null;
  }

  private static boolean isRoot() {
    try {
      return Files.readString(Path.of("/proc/self/status"))
          .lines()
          .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts the cluster and waits until the node is Ready, kube-proxy has synced and CoreDNS
   * answers.
   *
   * @throws IllegalStateException when something is missing ({@link #unavailableReason}) or a
   *     component does not come up (the message names it and ends with its log)
   */
  public static RealCluster start(NodeBinaries binaries) {
    String reason = unavailableReason(binaries);
    if (reason != null) {
      throw new IllegalStateException(reason);
    }
    RealCluster cluster =
        new RealCluster(
            binaries, NodeNetwork.DEFAULT, Path.of(System.getProperty("java.io.tmpdir")));
    try {
      cluster.startAll();
      return cluster;
    } catch (RuntimeException | Error e) {
      log.error("the real test cluster did not start; logs in {}", cluster.logDir);
      cluster.close();
      throw e;
    }
  }

  private void startAll() {
    long began = System.nanoTime();
    takeLock();
    plumbing.sweep(); // what a killed earlier run left
    HostPlumbing.deleteTree(logDir);
    mkdirs(baseDir, logDir);
    plumbing.checkRangeFree();
    plumbing.up();
    lap("host network", began);

    apiServer =
        KubeApiServer.start(
            binaries.kube(),
            new KubeApiServer.Options(
                net.hostAddress(),
                net.serviceCidr(),
                baseDir,
                List.of("--kubelet-preferred-address-types=InternalIP")));
    lap("etcd and kube-apiserver", began);
    registry = TestRegistry.start(RegistryAuth.ANONYMOUS, net.hostAddress(), baseDir);
    testpodImage = pushTestpodImage();
    lap("registry and testpod image", began);

    startControlPlane();
    Path containerdSocket = startContainerd();
    lap("containerd", began);
    startKubelet(containerdSocket);
    int proxyHealthPort = startKubeProxy();
    int dnsReadyPort = startCoreDns();

    KubernetesClient client = apiServer.adminClient();
    kubelet.awaitReady("Ready node " + NODE_NAME, NODE_READY_TIMEOUT, this::nodeReady);
    lap("kubelet (node Ready)", began);
    controllerManager.awaitReady(
        "ServiceAccount default/default and ConfigMap default/kube-root-ca.crt",
        COMPONENT_TIMEOUT,
        () ->
            client.serviceAccounts().inNamespace("default").withName("default").get() != null
                && client.configMaps().inNamespace("default").withName("kube-root-ca.crt").get()
                    != null);
    daemon("kube-proxy")
        .awaitReady(
            "healthy /healthz (rules synced)",
            COMPONENT_TIMEOUT,
            () -> httpOk("http://127.0.0.1:" + proxyHealthPort + "/healthz"));
    daemon("coredns")
        .awaitReady(
            "ready",
            COMPONENT_TIMEOUT,
            () -> httpOk("http://127.0.0.1:" + dnsReadyPort + "/ready"));
    if (!scheduler.isAlive()) {
      throw new IllegalStateException("kube-scheduler exited" + scheduler.tail());
    }
    startupTime = Duration.ofNanos(System.nanoTime() - began);
    log.info(
        "real cluster ready after {} ms: API server {}, registry {}, logs in {}",
        startupTime.toMillis(),
        apiServer.url(),
        registry.hostPort(),
        logDir);
  }

  private static void lap(String what, long began) {
    log.info(
        "real cluster: {} up after {} ms",
        what,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  /** One cluster per machine at a time: the interfaces and chains have fixed names. */
  private void takeLock() {
    Path lockFile = baseDir.resolveSibling("sekisho-real-cluster.lock");
    try {
      lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      throw new IllegalStateException(
          "a real test cluster is already running in this JVM; share it (@WithRealCluster)"
              + " instead of starting a second one");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
    if (lock == null) {
      throw new IllegalStateException(
          "another real test cluster is running on this machine (" + lockFile + " is locked)");
    }
  }

  // ------------------------------------------------------------------ components

  private void startControlPlane() {
    Path kubeconfig = apiServer.kubeconfig().toAbsolutePath();
    controllerManager =
        start(
            "kube-controller-manager",
            List.of(
                binaries.kubeControllerManager().toString(),
                "--kubeconfig=" + kubeconfig,
                "--secure-port=0",
                "--leader-elect=false",
                "--service-account-private-key-file=" + apiServer.serviceAccountKey(),
                "--root-ca-file=" + apiServer.caCertificate(),
                "--use-service-account-credentials=false",
                "--controllers=*,-csrsigning,-csrapproving,-csrcleaner",
                "--cluster-name=sekisho-test",
                "--v=1"));
    scheduler =
        start(
            "kube-scheduler",
            List.of(
                binaries.kubeScheduler().toString(),
                "--kubeconfig=" + kubeconfig,
                "--secure-port=0",
                "--leader-elect=false",
                "--v=1"));
  }

  private Path startContainerd() {
    Path dir = baseDir.resolve("containerd");
    Path socket = dir.resolve("containerd.sock");
    Path certsD = dir.resolve("certs.d");
    Path cniConf = baseDir.resolve("cni").resolve("net.d");
    mkdirs(dir, certsD.resolve(registry.hostPort()), cniConf);
    write(
        certsD.resolve(registry.hostPort()).resolve("hosts.toml"),
        """
        server = "http://%1$s"

        [host."http://%1$s"]
          capabilities = ["pull", "resolve"]
        """
            .formatted(registry.hostPort()));
    write(
        cniConf.resolve("10-sekisho.conflist"),
        """
        {
          "cniVersion": "1.0.0",
          "name": "sekisho",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%s"
              }
            }
          ]
        }
        """
            .formatted(net.bridge(), net.podCidr(), net.gateway(), baseDir.resolve("cni-ipam")));
    Path config = dir.resolve("config.toml");
    write(
        config,
        """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", \
        "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", \
        "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]

        [grpc]
          address = "%2$s"

        [ttrpc]
          address = "%2$s.ttrpc"

        [metrics]
          address = ""

        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s"
          disable_cgroup = true
          restrict_oom_score_adj = true
          disable_apparmor = true
          enable_selinux = false
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                Root = "%4$s"
                SystemdCgroup = false
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%5$s"
            conf_dir = "%6$s"
            max_conf_num = 1
          [plugins."io.containerd.grpc.v1.cri".registry]
            config_path = "%7$s"
        """
            .formatted(
                dir,
                socket,
                testpodImage,
                plumbing.runcRoot(),
                NodeBinaries.CNI_BIN_DIR,
                cniConf,
                certsD));
    Daemon containerd =
        start(
            "containerd",
            List.of(
                NodeBinaries.tool("containerd").toString(),
                "--config",
                config.toString(),
                "--log-level",
                "info"));
    containerd.awaitReady(
        "socket " + socket, COMPONENT_TIMEOUT, () -> Files.exists(socket) && socketAnswers(socket));
    return socket;
  }

  private static boolean socketAnswers(Path socket) {
    try (var channel =
        java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
      return channel.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private void startKubelet(Path containerdSocket) {
    Path dir = baseDir.resolve("kubelet");
    Path podLogs = logDir.resolve("pods");
    mkdirs(dir, podLogs);
    int port = freePort(net.hostAddress());
    int healthzPort = freePort("127.0.0.1");
    Path config = baseDir.resolve("kubelet-config.yaml");
    write(
        config,
        """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %1$s
        port: %2$d
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: %3$d
        authentication:
          anonymous:
            enabled: true
          webhook:
            enabled: false
        authorization:
          mode: AlwaysAllow
        cgroupDriver: cgroupfs
        cgroupsPerQOS: false
        enforceNodeAllocatable: []
        failSwapOn: false
        resolvConf: ""
        clusterDNS: [%1$s]
        clusterDomain: %4$s
        containerRuntimeEndpoint: unix://%5$s
        podLogsDir: %6$s
        volumePluginDir: %7$s
        podCIDR: %8$s
        serializeImagePulls: false
        registerNode: true
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        evictionHard:
          memory.available: "1Mi"
          nodefs.available: "1%%"
          nodefs.inodesFree: "1%%"
          imagefs.available: "1%%"
        """
            .formatted(
                net.hostAddress(),
                port,
                healthzPort,
                net.clusterDomain(),
                containerdSocket,
                podLogs,
                dir.resolve("volume-plugins"),
                net.podCidr()));
    kubelet =
        start(
            "kubelet",
            List.of(
                binaries.kubelet().toString(),
                "--config=" + config,
                "--kubeconfig=" + apiServer.kubeconfig().toAbsolutePath(),
                "--root-dir=" + dir,
                "--cert-dir=" + dir.resolve("pki"),
                "--hostname-override=" + NODE_NAME,
                "--node-ip=" + net.hostAddress(),
                "--v=1"));
  }

  private int startKubeProxy() {
    int healthz = freePort("127.0.0.1");
    int metrics = freePort("127.0.0.1");
    Path config = baseDir.resolve("kube-proxy-config.yaml");
    write(
        config,
        """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        clientConnection:
          kubeconfig: %1$s
        mode: iptables
        hostnameOverride: %2$s
        bindAddress: 127.0.0.1
        healthzBindAddress: 127.0.0.1:%3$d
        metricsBindAddress: 127.0.0.1:%4$d
        clusterCIDR: %5$s
        detectLocalMode: ClusterCIDR
        nodePortAddresses: ["%6$s/32"]
        conntrack:
          maxPerCore: 0
          min: 0
        iptables:
          localhostNodePorts: false
          masqueradeAll: false
          syncPeriod: 30s
          minSyncPeriod: 0s
        """
            .formatted(
                apiServer.kubeconfig().toAbsolutePath(),
                NODE_NAME,
                healthz,
                metrics,
                net.podCidr(),
                net.hostAddress()));
    start("kube-proxy", List.of(binaries.kubeProxy().toString(), "--config=" + config, "--v=1"));
    return healthz;
  }

  private int startCoreDns() {
    int ready = freePort("127.0.0.1");
    Path corefile = baseDir.resolve("Corefile");
    write(
        corefile,
        """
        .:53 {
            bind %1$s
            errors
            ready 127.0.0.1:%2$d
            kubernetes %3$s in-addr.arpa ip6.arpa {
                kubeconfig %4$s test
                pods insecure
                fallthrough in-addr.arpa ip6.arpa
                ttl 5
            }
            loadbalance
        }
        """
            .formatted(
                net.hostAddress(),
                ready,
                net.clusterDomain(),
                apiServer.kubeconfig().toAbsolutePath()));
    start("coredns", List.of(binaries.coredns().toString(), "-conf", corefile.toString()));
    return ready;
  }

  private Daemon start(String name, List<String> command) {
    Daemon d = Daemon.start(name, logDir, command);
    daemons.add(d);
    return d;
  }

  private Daemon daemon(String name) {
    return daemons.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
  }

  private boolean nodeReady() {
    Node node = apiServer.adminClient().nodes().withName(NODE_NAME).get();
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean httpOk(String url) {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ------------------------------------------------------------------ images

  /**
   * The testpod program in an image: entrypoint {@code /testpod}, default command {@code pause}.
   */
  private String pushTestpodImage() {
    Path layout = baseDir.resolve("images").resolve("testpod");
    OciLayoutWriter writer = OciLayoutWriter.create(layout);
    var layer =
        writer.writeLayer(
            new LayerBuilder("COPY testpod /testpod")
                .directory("tmp", 01777, 0, 0)
                .file("testpod", binaries.testpod(), 0755));
    ImageConfig config =
        ImageConfig.of(Platform.LINUX_AMD64).withEntrypoint("/testpod").withCmd("pause");
    writer.tag(writer.writeImage(config, List.of(layer)), TESTPOD_TAG);
    writer.finish();
    testpodDigestImage =
        pushLayoutWithDigest(layout, TESTPOD_TAG, TESTPOD_REPOSITORY, TESTPOD_TAG)
            .digestReference();
    return registry.tagReference(TESTPOD_REPOSITORY, TESTPOD_TAG);
  }

  /**
   * Pushes the image tagged {@code layoutTag} in the OCI layout {@code ociLayout} to the cluster's
   * registry as {@code repository:tag}.
   *
   * @return the reference pods use ({@code HOST_ADDRESS:PORT/repository:tag}): the node pulls it,
   *     and a pod can fetch it from the registry by the same name
   */
  public String pushLayout(Path ociLayout, String layoutTag, String repository, String tag) {
    return pushLayoutWithDigest(ociLayout, layoutTag, repository, tag).tagReference();
  }

  /**
   * An image in the cluster's registry.
   *
   * @param tagReference {@code HOST_ADDRESS:PORT/repository:tag}
   * @param digestReference {@code HOST_ADDRESS:PORT/repository@sha256:…}, the pushed manifest (or
   *     index)
   */
  public record PushedLayout(String tagReference, String digestReference) {}

  /** As {@link #pushLayout}, also returning the reference by digest. */
  public PushedLayout pushLayoutWithDigest(
      Path ociLayout, String layoutTag, String repository, String tag) {
    String reference = registry.tagReference(repository, tag);
    Path digestFile;
    try {
      digestFile = Files.createTempFile(baseDir, "digest-", ".txt");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file in " + baseDir, e);
    }
    try {
      ChildProcess.Result r =
          ChildProcess.run(
              new ProcessBuilder(
                  NodeBinaries.tool("skopeo").toString(),
                  "copy",
                  "--all",
                  "--preserve-digests",
                  "--dest-tls-verify=false",
                  "--digestfile",
                  digestFile.toString(),
                  "oci:" + ociLayout + ":" + layoutTag,
                  "docker://" + reference),
              Duration.ofMinutes(5));
      if (r.exitCode() != 0) {
        throw new IllegalStateException(
            "cannot push " + ociLayout + ":" + layoutTag + " to " + reference + ": " + r.output());
      }
      String digest = Files.readString(digestFile).strip();
      return new PushedLayout(reference, registry.digestReference(repository, digest));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the pushed digest from " + digestFile, e);
    } finally {
      try {
        Files.deleteIfExists(digestFile);
      } catch (IOException e) {
        log.debug("cannot delete {}: {}", digestFile, e.toString());
      }
    }
  }

  /** Pushes a fixture image to the cluster's registry; returns its tag reference for pods. */
  public String push(FixtureBuild fixture) {
    return registry.push(fixture).tagReference();
  }

  // ------------------------------------------------------------------ what tests use

  /** The API server (etcd, admin credentials, kubeconfig); its URL is on the host address. */
  public KubeApiServer apiServer() {
    return apiServer;
  }

  /** The admin client; owned by the cluster, do not close it. */
  public KubernetesClient client() {
    return apiServer.adminClient();
  }

  /** The registry the node pulls from, on {@link NodeNetwork#hostAddress()}. */
  public TestRegistry registry() {
    return registry;
  }

  /** {@code HOST_ADDRESS:PORT/sekisho-test/testpod:1}: the testpod program (hack/testpod). */
  public String testpodImage() {
    return testpodImage;
  }

  /** The testpod image by digest ({@code HOST_ADDRESS:PORT/sekisho-test/testpod@sha256:…}). */
  public String testpodDigestImage() {
    return testpodDigestImage;
  }

  /** The cluster's addresses. */
  public NodeNetwork network() {
    return net;
  }

  /** The API server's URL as pods use it: the {@code kubernetes} Service. */
  public String inClusterApiServerUrl() {
    return "https://kubernetes.default.svc";
  }

  /** Where the components' logs and the pods' logs ({@code pods/}) are written. */
  public Path logDir() {
    return logDir;
  }

  /** How long the start took, from the sweep of old state to the ready DNS server. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Creates a namespace {@code <prefix>-<random>}; its {@code default} ServiceAccount and {@code
   * kube-root-ca.crt} ConfigMap come from the controller manager.
   */
  public String createNamespace(String prefix) {
    return apiServer.createNamespace(prefix);
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * Deletes every pod (so the kubelet tears down their containers and networks), stops all
   * components and removes what the harness added to the host. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (lock == null) {
      releaseLock(); // closes the channel
      return; // another cluster holds the lock: nothing here is ours to stop or sweep
    }
    long began = System.nanoTime();
    try {
      stopQuietly(controllerManager);
      stopQuietly(scheduler);
      drainPods();
      for (Daemon d : daemons.reversed()) {
        stopQuietly(d);
      }
      if (registry != null) {
        registry.close();
      }
      if (apiServer != null) {
        keepApiServerLogs(); // close deletes its directory
        apiServer.close();
      }
    } catch (RuntimeException e) {
      log.warn("stopping the real cluster: {}", e.toString());
    } finally {
      plumbing.sweep();
      releaseLock();
      log.info(
          "real cluster stopped and cleaned up in {} ms (logs kept in {})",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
          logDir);
    }
  }

  /**
   * Simulates a test JVM killed with SIGKILL, for the clean-up test: kills the processes this JVM
   * started (not the containers, whose shims were never its children) and releases the lock,
   * leaving everything else behind for the next start's sweep.
   */
  synchronized void killWithoutCleanup() {
    closed = true;
    String marker = baseDir + "/";
    ProcessHandle.current()
        .children()
        .filter(
            p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
    daemons.forEach(d -> ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly));
    releaseLock();
  }

  /** The directory all the cluster's state is under ({@code <tmp>/sekisho-real-cluster}). */
  Path baseDir() {
    return baseDir;
  }

  /** Copies etcd's and the API server's logs into the log directory (the sweep deletes theirs). */
  private void keepApiServerLogs() {
    for (String name : List.of("kube-apiserver.log", "etcd.log")) {
      Path source = apiServer.workDir().resolve(name);
      try {
        if (Files.exists(source)) {
          Files.copy(
              source, logDir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        log.warn("cannot keep {}: {}", source, e.toString());
      }
    }
  }

  private void drainPods() {
    if (apiServer == null || kubelet == null || !kubelet.isAlive()) {
      return;
    }
    try {
      KubernetesClient client = apiServer.adminClient();
      client.pods().inAnyNamespace().withGracePeriod(1).delete();
      long deadline = System.nanoTime() + POD_DRAIN_TIMEOUT.toNanos();
      List<Pod> left = client.pods().inAnyNamespace().list().getItems();
      while (!left.isEmpty() && System.nanoTime() < deadline && kubelet.isAlive()) {
        Thread.sleep(250);
        left = client.pods().inAnyNamespace().list().getItems();
      }
      if (!left.isEmpty()) {
        log.warn(
            "{} pods still present after {} s; the sweep removes their containers",
            left.size(),
            POD_DRAIN_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("cannot delete the pods: {}", e.toString());
    }
  }

  private static void stopQuietly(Daemon d) {
    if (d != null) {
      d.stop();
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      log.warn("cannot release the cluster lock: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ small helpers

  private static void mkdirs(Path... dirs) {
    for (Path d : dirs) {
      try {
        Files.createDirectories(d);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + d, e);
      }
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static int freePort(String address) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + address, e);
    }
  }

  @Override
  public String toString() {
    return "RealCluster[" + NODE_NAME + ", API server " + apiServer.url() + "]";
  }
}
