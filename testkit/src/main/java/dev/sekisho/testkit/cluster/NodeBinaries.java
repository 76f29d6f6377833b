package dev.sekisho.testkit.cluster;

import dev.sekisho.testkit.TestCache;
import dev.sekisho.testkit.kube.KubeTestBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the programs of a {@link RealCluster} live: the Kubernetes binaries of {@code
 * hack/test-binaries.sh} and {@code hack/node-binaries.sh}, CoreDNS and the {@code testpod} program
 * (both built by {@code hack/node-binaries.sh}), and the Debian packages {@code hack/setup.sh}
 * installs (containerd, runc, the CNI plugins, iptables, conntrack, docker-registry, skopeo).
 *
 * @param kube etcd, kube-apiserver and kubectl (and the node binaries, in the same directory)
 * @param coredns the CoreDNS executable
 * @param testpod the {@code testpod} executable (hack/testpod)
 */
public record NodeBinaries(KubeTestBinaries kube, Path coredns, Path testpod) {

  /** CoreDNS version built and used unless {@code SEKISHO_COREDNS_VERSION} says otherwise. */
  public static final String DEFAULT_COREDNS_VERSION = "1.12.1";

  /** Where Debian's containernetworking-plugins package puts the CNI plugins. */
  public static final Path CNI_BIN_DIR = Path.of("/usr/lib/cni");

  private static final List<String> SYSTEM_TOOLS =
      List.of(
          "containerd",
          "containerd-shim-runc-v2",
          "runc",
          "iptables",
          "iptables-save",
          "conntrack",
          "ip",
          "nsenter",
          "umount",
          "docker-registry",
          "skopeo");

  /** Resolves the binaries from the process environment. */
  public static NodeBinaries fromEnvironment() {
    Map<String, String> env = System.getenv();
    Path root = TestCache.root();
    String dnsVersion = env.getOrDefault("SEKISHO_COREDNS_VERSION", "");
    if (dnsVersion.isBlank()) {
      dnsVersion = DEFAULT_COREDNS_VERSION;
    }
    KubeTestBinaries kube = KubeTestBinaries.fromEnvironment();
    String arch = kube.directory().getFileName().toString().replaceAll(".*-linux-", "");
    return new NodeBinaries(
        kube,
        root.resolve("coredns").resolve(dnsVersion + "-linux-" + arch).resolve("coredns"),
        root.resolve("testpod").resolve("testpod"));
  }

  public Path kubelet() {
    return kube.directory().resolve("kubelet");
  }

  public Path kubeControllerManager() {
    return kube.directory().resolve("kube-controller-manager");
  }

  public Path kubeScheduler() {
    return kube.directory().resolve("kube-scheduler");
  }

  public Path kubeProxy() {
    return kube.directory().resolve("kube-proxy");
  }

  /** A system tool from {@code PATH} (or {@code /usr/sbin}, {@code /sbin}), or null. */
  public static Path tool(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    dirs.addAll(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }

  /** Everything missing, as readable names; empty when the cluster can start. */
  public List<String> missing() {
    List<String> missing = new ArrayList<>();
    kube.missing().forEach(p -> missing.add(p.toString()));
    Stream.of(kubelet(), kubeControllerManager(), kubeScheduler(), kubeProxy(), coredns, testpod)
        .filter(p -> !Files.isExecutable(p))
        .forEach(p -> missing.add(p.toString()));
    SYSTEM_TOOLS.stream().filter(t -> tool(t) == null).forEach(missing::add);
    Stream.of("bridge", "host-local", "loopback")
        .map(CNI_BIN_DIR::resolve)
        .filter(p -> !Files.isExecutable(p))
        .forEach(p -> missing.add(p.toString()));
    return missing;
  }

  /** What to tell a developer whose machine lacks something. */
  public String missingMessage() {
    return "the real test cluster needs "
        + missing()
        + ": run hack/setup.sh (as root), which installs containerd, runc, the CNI plugins,"
        + " iptables and conntrack from Debian and builds the Kubernetes binaries, CoreDNS and"
        + " testpod into "
        + TestCache.root();
  }
}
