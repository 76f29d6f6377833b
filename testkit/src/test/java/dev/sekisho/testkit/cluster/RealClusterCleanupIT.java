package dev.sekisho.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.Awaiting;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A cluster whose JVM died leaves processes, containers, a pod network, iptables chains and mounts
 * behind; the next start sweeps them, and a close leaves nothing of the cluster on the host.
 */
@ExtendWith(RealClusterExtension.class) // skips like the other real-cluster tests
@ExtendWith(RealClusterCleanupIT.CloseShared.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RealClusterCleanupIT {

  /** This test starts its own clusters: the JVM's shared one must not run meanwhile. */
  static final class CloseShared implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      RealClusterExtension.closeShared(context);
    }
  }

  @Test
  void theNextStartSweepsWhatAKilledRunLeftAndCloseLeavesNothing() throws IOException {
    String ipForwardBefore = ipForward();
    NodeNetwork net = NodeNetwork.DEFAULT;

    RealCluster crashed = RealCluster.start(NodeBinaries.fromEnvironment());
    Path baseDir = crashed.baseDir();
    String ns = crashed.createNamespace("crash");
    crashed
        .client()
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("left-behind")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("serve")
                .withImage(crashed.testpodImage())
                .withArgs("serve", ":8080", "still here")
                .endContainer()
                .endSpec()
                .build())
        .create();
    Awaiting.until(
        "pod left-behind runs",
        Duration.ofMinutes(3),
        () ->
            "Running"
                .equals(
                    crashed
                        .client()
                        .pods()
                        .inNamespace(ns)
                        .withName("left-behind")
                        .get()
                        .getStatus()
                        .getPhase()));
    crashed.killWithoutCleanup();

    // what a killed run leaves: the proof that the sweep below has something to do
    assertThat(leftovers(net, baseDir))
        .contains("link " + net.bridge(), "link " + net.hostInterface())
        .anyMatch(l -> l.startsWith("process ") && l.contains("containerd-shim"))
        .anyMatch(l -> l.startsWith("mount "))
        .anyMatch(l -> l.startsWith("netns "))
        .anyMatch(l -> l.startsWith("iptables ") && l.contains("KUBE-SERVICES"))
        .anyMatch(l -> l.startsWith("iptables ") && l.contains(HostPlumbing.INPUT_CHAIN));

    try (RealCluster next = RealCluster.start(NodeBinaries.fromEnvironment())) {
      assertThat(next.client().pods().inAnyNamespace().list().getItems()).isEmpty();
      assertThat(next.client().nodes().withName(RealCluster.NODE_NAME).get()).isNotNull();
    }

    assertThat(leftovers(net, baseDir)).isEmpty();
    assertThat(ipForward()).isEqualTo(ipForwardBefore);
  }

  /** Everything of the cluster still on the host, one line per item. */
  private static List<String> leftovers(NodeNetwork net, Path baseDir) throws IOException {
    List<String> found = new ArrayList<>();
    for (String link : List.of(net.bridge(), net.hostInterface())) {
      if (Commands.run("ip", "link", "show", link).exitCode() == 0) {
        found.add("link " + link);
      }
    }
    String marker = baseDir + "/";
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.pid() != ProcessHandle.current().pid())
          .map(p -> commandLine(p.pid()))
          .filter(c -> c.contains(marker))
          .forEach(c -> found.add("process " + c));
    }
    HostPlumbing.mountsUnder(baseDir).forEach(m -> found.add("mount " + m));
    Path netns = Path.of("/var/run/netns");
    if (Files.isDirectory(netns)) {
      try (Stream<Path> names = Files.list(netns)) {
        for (Path name : names.toList()) {
          ChildProcess.Result addrs =
              Commands.run("ip", "-n", name.getFileName().toString(), "-o", "-4", "addr", "show");
          if (addrs.stdout().contains(" " + net.podPrefix())) {
            found.add("netns " + name);
          }
        }
      }
    }
    for (String table : List.of("filter", "nat", "mangle")) {
      for (String rule : Commands.must("iptables", "-w", "-t", table, "-S").lines().toList()) {
        if (rule.contains("KUBE-") || rule.contains("SEKISHO-")) {
          found.add("iptables " + table + " " + rule);
        }
      }
    }
    if (Files.exists(baseDir)) {
      found.add("directory " + baseDir);
    }
    return found;
  }

  private static String commandLine(long pid) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static String ipForward() throws IOException {
    return Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
  }
}
