package dev.sekisho.testkit.cluster;

import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link RealCluster} changes on the host, and how it is undone: the host-address interface
 * and the bridge with their addresses, {@code net.ipv4.ip_forward}, the iptables guard chains,
 * kube-proxy's and the kubelet's iptables chains, pod network namespaces, mounts, processes and
 * files under the cluster's base directory.
 *
 * <p>{@link #sweep()} removes all of it and is safe to call on a host where nothing of it exists;
 * the cluster calls it before it starts (a killed earlier run leaves state behind) and after it
 * stopped.
 *
 * <p>The guard chains keep the cluster's range inside the machine: packets to the range arriving on
 * any interface but {@code lo} and the bridge are dropped, and pods' packets are never forwarded
 * out of the bridge (so they reach the host's addresses in the range, and each other, nothing
 * else).
 */
final class HostPlumbing {
  private static final Logger log = LoggerFactory.getLogger(HostPlumbing.class);

  static final String INPUT_CHAIN = "SEKISHO-NODE-INPUT";
  static final String FORWARD_CHAIN = "SEKISHO-NODE-FORWARD";
  private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
  private static final Path NETNS_DIR = Path.of("/var/run/netns");
  private static final Path CONTAINER_LOGS = Path.of("/var/log/containers");

  private final NodeNetwork net;
  private final Path baseDir;
  private final Path logDir;
  private final Path kubeProxy;

  /**
   * @param baseDir every file, socket and mount of the cluster is under it; deleted by the sweep
   * @param logDir the logs (kept after the run for debugging; links into it are swept)
   */
  HostPlumbing(NodeNetwork net, Path baseDir, Path logDir, Path kubeProxy) {
    this.net = net;
    this.baseDir = baseDir;
    this.logDir = logDir;
    this.kubeProxy = kubeProxy;
  }

  /** The runc state root the cluster's containerd uses (its containers are found there). */
  Path runcRoot() {
    return baseDir.resolve("runc");
  }

  private Path ipForwardBackup() {
    return baseDir.resolve("ip_forward.orig");
  }

  /** Fails when this machine already uses the cluster's range (after a {@link #sweep()}). */
  void checkRangeFree() {
    String prefix = net.rangePrefix();
    List<String> used = new ArrayList<>();
    for (String line :
        (Commands.must("ip", "-o", "-4", "addr", "show")
                + Commands.must("ip", "-4", "route", "show", "table", "all"))
            .lines()
            .toList()) {
      if (line.contains(" " + prefix) || line.startsWith(prefix)) {
        used.add(line.strip());
      }
    }
    if (!used.isEmpty()) {
      throw new IllegalStateException(
          "the test cluster's address range "
              + net.range()
              + " is already in use on this machine: "
              + used);
    }
  }

  /** Creates the interfaces, enables forwarding and installs the guard chains. */
  void up() {
    try {
      Files.createDirectories(baseDir);
      Files.writeString(ipForwardBackup(), Files.readString(IP_FORWARD).strip());
      Files.writeString(IP_FORWARD, "1");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot enable net.ipv4.ip_forward (needs root)", e);
    }
    // a bridge without ports: the kernel here has no dummy interfaces
    Commands.must("ip", "link", "add", net.hostInterface(), "type", "bridge");
    Commands.must("ip", "addr", "add", net.hostAddress() + "/32", "dev", net.hostInterface());
    Commands.must("ip", "link", "set", net.hostInterface(), "up");
    Commands.must("ip", "link", "add", net.bridge(), "type", "bridge");
    Commands.must(
        "ip", "addr", "add", net.gateway() + "/" + net.podPrefixLength(), "dev", net.bridge());
    Commands.must("ip", "link", "set", net.bridge(), "up");

    String range = net.range();
    iptables("-N", INPUT_CHAIN);
    iptables("-A", INPUT_CHAIN, "-d", range, "-i", "lo", "-j", "RETURN");
    iptables("-A", INPUT_CHAIN, "-d", range, "-i", net.bridge(), "-j", "RETURN");
    iptables("-A", INPUT_CHAIN, "-d", range, "-j", "DROP");
    iptables("-I", "INPUT", "1", "-j", INPUT_CHAIN);
    iptables("-N", FORWARD_CHAIN);
    iptables("-A", FORWARD_CHAIN, "-i", net.bridge(), "-o", net.bridge(), "-j", "RETURN");
    iptables("-A", FORWARD_CHAIN, "-s", range, "-j", "DROP");
    iptables("-A", FORWARD_CHAIN, "-d", range, "-j", "DROP");
    iptables("-I", "FORWARD", "1", "-j", FORWARD_CHAIN);
  }

  private static void iptables(String... args) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w"));
    command.addAll(List.of(args));
    Commands.must(command.toArray(String[]::new));
  }

  /**
   * Removes everything the cluster may have left: processes, containers, pod network namespaces,
   * iptables chains, interfaces, mounts, log links and the base directory. Best effort: every step
   * runs even when an earlier one failed; failures are logged.
   */
  void sweep() {
    boolean hadState = Files.exists(baseDir);
    step("kill processes", this::killProcesses);
    step("delete runc containers", this::deleteContainers);
    step("delete pod network namespaces", this::deleteNetworkNamespaces);
    if (hadState) {
      step("kube-proxy --cleanup", this::kubeProxyCleanup);
      step("delete KUBE- iptables chains", () -> deleteKubeChains("iptables"));
      step("delete KUBE- ip6tables chains", () -> deleteKubeChains("ip6tables"));
    }
    step("delete guard chains", HostPlumbing::deleteGuardChains);
    step("delete interfaces", this::deleteLinks);
    step("restore ip_forward", this::restoreIpForward);
    step("unmount", this::unmountAll);
    step("delete container log links", this::deleteLogLinks);
    step(
        "delete " + baseDir,
        () -> {
          // never walk into a mount that is still there (it could be a host directory)
          List<String> left = mountsUnder(baseDir);
          if (!left.isEmpty()) {
            throw new IllegalStateException("still mounted, not deleting: " + left);
          }
          deleteTree(baseDir);
        });
  }

  private static void step(String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("cleanup step '{}' failed: {}", what, e.getMessage());
    }
  }

  /** SIGKILL to every process whose command line names the base directory. */
  private void killProcesses() {
    String marker = baseDir.toString() + "/";
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> ours =
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != self)
            .filter(p -> commandLine(p.pid()).contains(marker))
            .toList();
    for (ProcessHandle p : ours) {
      log.info("killing left-over process pid={} command={}", p.pid(), commandLine(p.pid()));
      p.destroyForcibly();
    }
    for (ProcessHandle p : ours) {
      p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> p).join();
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return ""; // gone, or not readable
    }
  }

  /** {@code runc delete --force} of every container in the cluster's runc root. */
  private void deleteContainers() {
    if (!Files.isDirectory(runcRoot())) {
      return;
    }
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(runcRoot())) {
      for (Path root : namespaces) {
        try (DirectoryStream<Path> containers = Files.newDirectoryStream(root)) {
          for (Path container : containers) {
            String id = container.getFileName().toString();
            ChildProcess.Result r =
                Commands.run("runc", "--root", root.toString(), "delete", "--force", id);
            log.info("runc delete --force {}: exit {}", id, r.exitCode());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runcRoot(), e);
    }
  }

  /** Deletes the network namespaces whose interfaces have an address in the pod range. */
  private void deleteNetworkNamespaces() {
    if (!Files.isDirectory(NETNS_DIR)) {
      return;
    }
    List<String> names;
    try (Stream<Path> files = Files.list(NETNS_DIR)) {
      names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cni-")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + NETNS_DIR, e);
    }
    for (String name : names) {
      ChildProcess.Result addrs = Commands.run("ip", "-n", name, "-o", "-4", "addr", "show");
      if (addrs.exitCode() == 0 && addrs.stdout().contains(" " + net.podPrefix())) {
        log.info("deleting left-over pod network namespace {}", name);
        Commands.run("ip", "netns", "delete", name);
      }
    }
  }

  private void kubeProxyCleanup() {
    if (Files.isExecutable(kubeProxy)) {
      ChildProcess.Result r = Commands.run(kubeProxy.toString(), "--cleanup", "--v=0");
      if (r.exitCode() != 0) {
        log.warn("kube-proxy --cleanup: exit {}: {}", r.exitCode(), r.output().strip());
      }
    }
  }

  /**
   * Deletes the chains named {@code KUBE-*} (kube-proxy's and the kubelet's) in the filter, nat and
   * mangle tables, with the rules that jump to them. Runs only when the base directory shows that
   * this harness ran here before: nothing else on these machines runs Kubernetes on the host.
   */
  private static void deleteKubeChains(String tool) {
    for (String table : List.of("filter", "nat", "mangle")) {
      ChildProcess.Result listed = Commands.run(tool, "-w", "-t", table, "-S");
      if (listed.exitCode() != 0) {
        continue;
      }
      List<String> chains = new ArrayList<>();
      for (String line : listed.stdout().lines().toList()) {
        String[] words = line.split(" ");
        if (words[0].equals("-N") && words[1].startsWith("KUBE-")) {
          chains.add(words[1]);
        } else if (words[0].equals("-A")
            && !words[1].startsWith("KUBE-")
            && line.matches(".* -j KUBE-\\S+( .*)?")) {
          List<String> delete = new ArrayList<>(List.of(tool, "-w", "-t", table, "-D"));
          delete.addAll(List.of(line.substring(3).split(" ")));
          Commands.run(delete.toArray(String[]::new));
        }
      }
      chains.forEach(c -> Commands.run(tool, "-w", "-t", table, "-F", c));
      chains.forEach(c -> Commands.run(tool, "-w", "-t", table, "-X", c));
    }
  }

  private static void deleteGuardChains() {
    for (String[] jump :
        List.of(new String[] {"INPUT", INPUT_CHAIN}, new String[] {"FORWARD", FORWARD_CHAIN})) {
      while (Commands.run("iptables", "-w", "-D", jump[0], "-j", jump[1]).exitCode() == 0) {
        // a jump installed twice is deleted twice
      }
      Commands.run("iptables", "-w", "-F", jump[1]);
      Commands.run("iptables", "-w", "-X", jump[1]);
    }
  }

  private void deleteLinks() {
    List<String> links = new ArrayList<>(List.of(net.bridge(), net.hostInterface()));
    // host ends of pod veths still attached to the bridge (their namespace may be gone already)
    ChildProcess.Result ports = Commands.run("ip", "-o", "link", "show", "master", net.bridge());
    if (ports.exitCode() == 0) {
      for (String line : ports.stdout().lines().toList()) {
        String[] fields = line.split(":\\s+");
        if (fields.length > 1) {
          links.addFirst(fields[1].replaceAll("@.*", ""));
        }
      }
    }
    for (String link : links) {
      if (Commands.run("ip", "link", "show", link).exitCode() == 0) {
        Commands.must("ip", "link", "delete", link);
      }
    }
  }

  private void restoreIpForward() {
    Path backup = ipForwardBackup();
    if (!Files.exists(backup)) {
      return;
    }
    try {
      String value = Files.readString(backup).strip();
      if (value.equals("0") || value.equals("1")) {
        Files.writeString(IP_FORWARD, value);
      }
      Files.delete(backup);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore net.ipv4.ip_forward", e);
    }
  }

  /** Unmounts every mount point under the base directory, deepest first. */
  private void unmountAll() {
    List<String> points = mountsUnder(baseDir);
    points.sort(Comparator.comparingInt(String::length).reversed());
    for (String point : points) {
      ChildProcess.Result r = Commands.run("umount", "-l", point);
      if (r.exitCode() != 0) {
        log.warn("umount {}: {}", point, r.output().strip());
      }
    }
  }

  /** The mount points under {@code dir}, from {@code /proc/self/mountinfo}. */
  static List<String> mountsUnder(Path dir) {
    String prefix = dir.toString() + "/";
    List<String> points = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String point = unescape(line.split(" ")[4]);
        if (point.startsWith(prefix)) {
          points.add(point);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
    }
    return points;
  }

  private static String unescape(String field) {
    return field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  /** Deletes the kubelet's links in /var/log/containers that point into the base directory. */
  private void deleteLogLinks() {
    if (!Files.isDirectory(CONTAINER_LOGS)) {
      return;
    }
    try (Stream<Path> links = Files.list(CONTAINER_LOGS)) {
      for (Path link : links.filter(Files::isSymbolicLink).toList()) {
        Path target = Files.readSymbolicLink(link);
        if (target.startsWith(baseDir) || target.startsWith(logDir)) {
          Files.deleteIfExists(link);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + CONTAINER_LOGS, e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
