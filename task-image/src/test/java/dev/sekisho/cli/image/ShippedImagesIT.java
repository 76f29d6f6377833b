package dev.sekisho.cli.image;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.testkit.SekishoIntegrationTest;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.images.BuiltImages;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.registry.TestRegistry;
import dev.sekisho.testkit.runc.RuncContainer;
import dev.sekisho.testkit.runc.RuncImage;
import dev.sekisho.testkit.runc.RuncOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images the build makes ({@link BuiltImages}: Jib FROM the local base image of {@code
 * hack/base-image.sh}), pushed to the test registry, pulled back and RUN by Debian's {@code runc}
 * the way OpenShift's {@code restricted-v2} runs a pod: an arbitrary UID ({@value #OPENSHIFT_UID},
 * group 0) that is in no {@code /etc/passwd}, a read-only root file system, {@code /tmp} on a
 * tmpfs, no capabilities, {@code no_new_privs}.
 *
 * <p>The task image runs its entry point: {@code version}, then an offline {@code db import} and a
 * scan of the Alpine fixture's OCI layout mounted read-only, which must fail the {@code --fail-on
 * high} policy (exit 1); sqlite-jdbc unpacks its native library into {@code /tmp}. The operator
 * image runs against the test kube-apiserver on 127.0.0.1 (host network, the admin's token in a
 * mounted kubeconfig), builds its vulnerability database from a mounted OSV archive in its store
 * volume, and must answer {@code /healthz} and {@code /readyz}.
 */
@SekishoIntegrationTest
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class ShippedImagesIT {
  private static final long OPENSHIFT_UID = 1000680000L;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void taskImageScansAsAnArbitraryUidOnAReadOnlyRoot(
      TestRegistry registry, Fixtures fixtures, @TempDir Path tmp) throws Exception {
    String reference = push(registry, BuiltImages.get().taskImage(), "sekisho/sekisho-task:it");
    FixtureBuild alpine = fixtures.get(FixtureImage.ALPINE);
    // the fixture cache's blobs are owner-only; a pod's volume would be readable by the pod's UID
    Path layout = readableCopy(alpine.ociLayout(), tmp.resolve("alpine"));
    Path osv = directory(tmp.resolve("osv"), "rwxr-xr-x");
    Files.write(osv.resolve("Alpine-all.zip"), advisories());
    Path data = directory(tmp.resolve("data"), "rwxrwxrwx");

    try (RuncImage image = RuncImage.pull(reference)) {
      assertThat(image.entrypoint()).containsExactly("/usr/local/bin/sekisho");
      assertThat(image.user()).isEqualTo("1001");

      RuncContainer.Exit version =
          image.run(RuncOptions.restricted(OPENSHIFT_UID, "version"), RUN_TIMEOUT);
      assertThat(version.code()).as(version.stderr()).isZero();
      assertThat(version.stdout()).startsWith("sekisho ").contains("java ");

      RuncContainer.Exit shell =
          image.run(
              RuncOptions.restricted(OPENSHIFT_UID)
                  .withCommand(
                      "/bin/sh",
                      "-c",
                      "while read k v rest; do [ \"$k\" = Uid: ] && echo \"uid=$v\"; done"
                          + " < /proc/self/status;"
                          + " if echo x > /opt/x; then echo root-writable; else echo root-read-only;"
                          + " fi; echo y > /tmp/y && echo tmp-writable"),
              RUN_TIMEOUT);
      assertThat(shell.stdout())
          .as(shell.stderr())
          .contains("uid=" + OPENSHIFT_UID, "root-read-only", "tmp-writable")
          .doesNotContain("root-writable");

      RuncOptions mounted =
          RuncOptions.restricted(OPENSHIFT_UID)
              .withBind(osv, "/in/osv", true)
              .withBind(layout, "/in/alpine", true)
              .withBind(data, "/data", false);
      RuncContainer.Exit imported =
          image.run(
              withArgs(mounted, "db", "import", "--db", "/data/db", "/in/osv/Alpine-all.zip"),
              RUN_TIMEOUT);
      assertThat(imported.code()).as(imported.stdout() + imported.stderr()).isZero();
      assertThat(imported.stdout()).contains("advisories:      3");

      RuncContainer.Exit scan =
          image.run(
              withArgs(
                  mounted,
                  "scan",
                  "--db",
                  "/data/db",
                  "--offline",
                  "--fail-on",
                  "high",
                  "oci:/in/alpine:" + alpine.tag()),
              RUN_TIMEOUT);
      assertThat(scan.code()).as(scan.stdout() + scan.stderr()).isEqualTo(1);
      assertThat(scan.stdout()).contains("CRITICAL (1)", "HIGH (1)", "POLICY: FAIL");
    }
  }

  @Test
  void operatorImageBecomesReadyAsAnArbitraryUidOnAReadOnlyRoot(
      TestRegistry registry, KubeApiServer kube, @TempDir Path tmp) throws Exception {
    String reference =
        push(registry, BuiltImages.get().operatorImage(), "sekisho/sekisho-operator:it");
    Path kubeDir = directory(tmp.resolve("kube"), "rwxr-xr-x");
    Files.copy(kube.caCertificate(), kubeDir.resolve("ca.crt"));
    // the CA as the container sees it: kubeDir is mounted at /kube
    Files.writeString(kubeDir.resolve("kubeconfig"), kube.kubeconfigYaml("/kube/ca.crt"));
    readableByAll(kubeDir.resolve("ca.crt"));
    readableByAll(kubeDir.resolve("kubeconfig"));
    Path osv = directory(tmp.resolve("osv"), "rwxr-xr-x");
    Files.write(osv.resolve("Alpine-all.zip"), advisories());
    readableByAll(osv.resolve("Alpine-all.zip"));
    Path store = directory(tmp.resolve("store"), "rwxrwxrwx");
    int healthPort = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KUBECONFIG", "/kube/kubeconfig");
    env.put("SEKISHO_NAMESPACE", kube.createNamespace("sekisho-system"));
    env.put("SEKISHO_STORE_DIR", "/var/lib/sekisho");
    env.put("SEKISHO_DB_SOURCES", "/in/osv");
    env.put("SEKISHO_LEADER_ELECTION", "false");
    env.put("SEKISHO_BIND_ADDRESS", "127.0.0.1");
    env.put("SEKISHO_HEALTH_PORT", Integer.toString(healthPort));
    env.put("SEKISHO_API_PORT", Integer.toString(freePort()));
    env.put("SEKISHO_METRICS_PORT", Integer.toString(freePort()));
    // as manifests/operator/base/deployment.yaml sets it
    env.put("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp");

    try (RuncImage image = RuncImage.pull(reference)) {
      assertThat(image.entrypoint()).contains("dev.sekisho.operator.Main");
      assertThat(image.user()).isEqualTo("1001");
      RuncOptions options =
          RuncOptions.restricted(OPENSHIFT_UID)
              .withHostNetwork()
              .withEnv(env)
              .withBind(kubeDir, "/kube", true)
              .withBind(osv, "/in/osv", true)
              .withBind(store, "/var/lib/sekisho", false);
      try (RuncContainer operator = image.start(options)) {
        Awaiting.until(
            "the operator container answers /readyz on 127.0.0.1:" + healthPort,
            Duration.ofMinutes(4),
            () -> !operator.isAlive() || status(healthPort, "/readyz") == 200);
        assertThat(operator.isAlive())
            .as("operator exited:\n%s\n%s", operator.stdout(), operator.stderr())
            .isTrue();
        assertThat(status(healthPort, "/healthz")).isEqualTo(200);
        long pid = operator.pid().orElseThrow();
        assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            .filteredOn(l -> l.startsWith("Uid:"))
            .singleElement()
            .asString()
            .contains(Long.toString(OPENSHIFT_UID));
        assertThat(store.resolve("vulndb")).isDirectory();

        RuncContainer.Exit stopped = operator.stop(Duration.ofSeconds(30));
        assertThat(stopped.code()).as("exit after TERM").isNotEqualTo(-1);
        assertThat(stopped.stdout() + stopped.stderr()).contains("stopping");
      }
    }
  }

  private static RuncOptions withArgs(RuncOptions options, String... args) {
    return new RuncOptions(
        options.uid(),
        options.gid(),
        options.command(),
        List.of(args),
        options.env(),
        options.readOnlyRoot(),
        options.tmpfsTmp(),
        options.binds(),
        options.hostNetwork());
  }

  /** Alpine 3.20 advisories: zlib (high) and busybox (critical) affected, as in ScanCommandIT. */
  private static byte[] advisories() throws IOException {
    return OsvFixtures.zip(
        List.of(
            rec("ALPINE-CVE-2099-1001")
                .upstream("CVE-2099-1001")
                .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
                .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null),
            rec("ALPINE-CVE-2099-1002")
                .upstream("CVE-2099-1002")
                .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r29"), null),
            rec("ALPINE-CVE-2099-1003")
                .upstream("CVE-2099-1003")
                .affected("Alpine:v3.20", "musl", List.of("i:0", "f:1.2.5-r0"), null)),
        Map.of());
  }

  private static String push(TestRegistry registry, Path dockerArchive, String repositoryAndTag) {
    return BuiltImages.push(registry, dockerArchive, repositoryAndTag);
  }

  private static Path directory(Path dir, String permissions) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
    return dir;
  }

  private static Path readableCopy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          directory(target, "rwxr-xr-x");
        } else {
          Files.copy(p, target);
          readableByAll(target);
        }
      }
    }
    return to;
  }

  private static void readableByAll(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static int status(int port, String path) {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build();
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
