package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Main} as a cluster runs it, in its own JVM: configured only by environment variables and a
 * kubeconfig, it imports the air-gapped database bundle, becomes ready, serves {@code /healthz},
 * {@code /readyz} and {@code /metrics}, takes the leader Lease, publishes its CA bundle, and exits
 * on SIGTERM; a bad variable exits with status 2 and names it.
 */
@WithKubeApiServer(crds = true)
class MainIT {
  private static final Pattern STARTED =
      Pattern.compile("started api=\\S*:(\\d+) health=\\S*:(\\d+) metrics=\\S*:(\\d+)");

  private static ProcessBuilder java(Map<String, String> env) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
                javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    pb.environment().putAll(env);
    return pb;
  }

  private static void osvBundle(Path zip) throws Exception {
    String record =
        """
        {"schema_version":"1.6.0","id":"ALPINE-CVE-2099-1111","modified":"2026-11-01T00:00:00Z",
         "published":"2026-10-01T00:00:00Z","aliases":["CVE-2099-1111"],"summary":"zlib test",
         "affected":[{"package":{"ecosystem":"Alpine:v3.20","name":"zlib"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.3.2-r0"}]}]}]}
        """;
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("ALPINE-CVE-2099-1111.json"));
      z.write(record.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
  }

  @Test
  void mainStartsServesProbesAndMetricsAndStopsOnSigterm(KubeApiServer kube, @TempDir Path work)
      throws Exception {
    Path bundle = Files.createDirectories(work.resolve("bundle"));
    osvBundle(bundle.resolve("Alpine-all.zip"));
    String ns = kube.createNamespace("sekisho-system");
    Process p =
        java(Map.of(
                "KUBECONFIG", kube.kubeconfig().toString(),
                "SEKISHO_NAMESPACE", ns,
                "SEKISHO_STORE_DIR", work.resolve("store").toString(),
                "SEKISHO_DB_BUNDLE", bundle.toString(),
                "SEKISHO_BIND_ADDRESS", "127.0.0.1",
                "SEKISHO_API_PORT", "0",
                "SEKISHO_HEALTH_PORT", "0",
                "SEKISHO_METRICS_PORT", "0",
                "SEKISHO_API_TLS_HOSTS", "127.0.0.1"))
            .start();
    List<String> log = new ArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                      synchronized (log) {
                        log.add(line);
                      }
                    }
                  } catch (java.io.IOException e) {
                    // the process ended
                  }
                });
    try {
      Awaiting.until(
          "Main logs its addresses",
          Duration.ofSeconds(120),
          () -> {
            synchronized (log) {
              return !p.isAlive() || log.stream().anyMatch(l -> STARTED.matcher(l).find());
            }
          });
      assertThat(p.isAlive()).as(String.join("\n", log)).isTrue();
      Matcher m;
      synchronized (log) {
        m = log.stream().map(STARTED::matcher).filter(Matcher::find).findFirst().orElseThrow();
      }
      URI health = URI.create("http://127.0.0.1:" + m.group(2));
      URI metrics = URI.create("http://127.0.0.1:" + m.group(3));
      HttpClient http = HttpClient.newHttpClient();

      Awaiting.until(
          "/readyz once the bundle is imported",
          Duration.ofSeconds(120),
          () -> status(http, health.resolve("/readyz")) == 200);
      assertThat(status(http, health.resolve("/healthz"))).isEqualTo(200);
      HttpResponse<String> scrape =
          http.send(
              HttpRequest.newBuilder(metrics.resolve("/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("sekisho_database_age_seconds ").contains("jvm_");
      Awaiting.until(
          "the leader Lease",
          () ->
              kube.adminClient().leases().inNamespace(ns).withName("sekisho-operator").get()
                  != null);
      // HTTPS with the operator's own CA: the Secret and the CA ConfigMap exist
      Awaiting.until(
          "the CA bundle ConfigMap",
          () ->
              kube.adminClient().configMaps().inNamespace(ns).withName("sekisho-scan-api-ca").get()
                  != null);

      p.destroy(); // SIGTERM: the shutdown hook stops everything
      boolean exited = p.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        synchronized (log) {
          log.add(threadDump(p.pid()));
        }
      }
      synchronized (log) {
        assertThat(exited).as("exit after SIGTERM; output:%n%s", String.join("\n", log)).isTrue();
      }
      // 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal (before the fix,
      // the hook deadlocked in JOSDK's System.exit and the process never ended)
      assertThat(p.exitValue()).isEqualTo(143);
    } finally {
      ChildProcess.kill(p);
    }
  }

  @Test
  void aBadVariableExitsWithStatus2AndNamesIt() throws Exception {
    ChildProcess.Result r =
        ChildProcess.run(
            java(Map.of("SEKISHO_DB_UPDATE_INTERVAL", "often")), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stdout()).isEqualTo(2);
    assertThat(r.stdout()).contains("sekisho-operator: SEKISHO_DB_UPDATE_INTERVAL=often");
  }

  /** The threads of a process that did not stop, for the failure message. */
  private static String threadDump(long pid) {
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      return ChildProcess.run(
              new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                  .redirectErrorStream(true),
              Duration.ofSeconds(30))
          .stdout();
    } catch (RuntimeException | AssertionError e) {
      return "no thread dump: " + e;
    }
  }

  private static int status(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
