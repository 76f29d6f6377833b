package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Constants;
import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.FindingSummary;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sekisho cluster report} against the real kube-apiserver, with ScanResults the test creates
 * and whose status it writes through the status subresource (as the operator does): images in use
 * (by status.inUse.pods or by the in-use label) are listed with their verdict and findings at or
 * above --min-severity; images not in use are not; every format; the kubeconfig like kubectl's.
 */
@WithKubeApiServer(crds = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterReportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FAIL_DIGEST = "sha256:" + "f".repeat(64);
  private static final String PASS_DIGEST = "sha256:" + "e".repeat(64);
  private static final String IDLE_DIGEST = "sha256:" + "d".repeat(64);

  private final KubeApiServer kube;
  private final KubernetesClient admin;
  private String shop;
  private String web;

  ClusterReportIT(KubeApiServer kube) {
    this.kube = kube;
    this.admin = kube.adminClient();
  }

  private static Finding finding(String id, Severity severity, String pkg) {
    Finding f = new Finding();
    f.setId(id);
    f.setType("vulnerability");
    f.setSeverity(severity);
    f.setPackageName(pkg);
    f.setInstalledVersion("1.0");
    f.setFixedVersion("1.1");
    return f;
  }

  private void result(
      String ns,
      String name,
      String image,
      String digest,
      Map<String, String> labels,
      String status,
      Finding... findings) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder().withNamespace(ns).withName(name).withLabels(labels).build());
    r.getSpec().setImage(image);
    r.getSpec().setDigest(digest);
    r.getSpec().setFindings(new ArrayList<>(List.of(findings)));
    FindingSummary s = new FindingSummary();
    s.setCritical(
        (int) List.of(findings).stream().filter(f -> f.getSeverity() == Severity.Critical).count());
    s.setHigh(
        (int) List.of(findings).stream().filter(f -> f.getSeverity() == Severity.High).count());
    s.setMedium(
        (int) List.of(findings).stream().filter(f -> f.getSeverity() == Severity.Medium).count());
    s.setLow((int) List.of(findings).stream().filter(f -> f.getSeverity() == Severity.Low).count());
    r.getSpec().setSummary(s);
    admin.resource(r).create();
    admin
        .resources(ScanResult.class)
        .inNamespace(ns)
        .withName(name)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + status + "}");
  }

  @BeforeAll
  void results() {
    shop = kube.createNamespace("report-shop");
    web = kube.createNamespace("report-web");
    result(
        shop,
        "app",
        "registry.example/shop/app:1.0",
        FAIL_DIGEST,
        Map.of(Constants.LABEL_IN_USE, "true"),
        "{\"verdict\":\"Fail\",\"decidingPolicy\":\"no-critical\",\"inUse\":{\"pods\":3,"
            + "\"workloadCount\":1,\"workloads\":[{\"kind\":\"Deployment\",\"name\":\"shop\",\"pods\":3}]}}",
        finding("CVE-2026-0001", Severity.Critical, "openssl"),
        finding("CVE-2026-0002", Severity.Medium, "zlib, \"patched\""),
        finding("CVE-2026-0003", Severity.Low, "=cmd|calc"));
    // in use by its status only (no label yet)
    result(
        web,
        "front",
        "registry.example/web/front:2.0",
        PASS_DIGEST,
        Map.of(),
        "{\"verdict\":\"Pass\",\"inUse\":{\"pods\":1,\"workloads\":[{\"kind\":\"Pod\",\"name\":\"<script>x</script>\",\"pods\":1}]}}",
        finding("CVE-2026-0004", Severity.Low, "busybox"));
    // not in use: never listed
    result(
        web,
        "idle",
        "registry.example/web/idle:0.1",
        IDLE_DIGEST,
        Map.of(),
        "{\"verdict\":\"Fail\"}",
        finding("CVE-2026-0005", Severity.Critical, "bash"));
  }

  private CliRun report(String... args) {
    List<String> all = new ArrayList<>(List.of("cluster", "report"));
    all.addAll(List.of(args));
    return CliRun.run(
        Map.of(
            "HOME",
            System.getProperty("java.io.tmpdir") + "/sekisho-cli-test-home",
            "KUBECONFIG",
            kube.kubeconfig().toString()),
        all.toArray(String[]::new));
  }

  @Test
  void jsonListsImagesInUseWithFindingsAtOrAboveTheThreshold() throws Exception {
    CliRun run = report("--format", "json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1); // an image in use fails
    JsonNode root = JSON.readTree(run.out());
    assertThat(root.path("minSeverity").asText()).isEqualTo("Medium");
    List<JsonNode> images = new ArrayList<>();
    root.path("images").forEach(images::add);
    List<String> ours =
        images.stream()
            .filter(
                i ->
                    i.path("namespace").asText().equals(shop)
                        || i.path("namespace").asText().equals(web))
            .map(i -> i.path("scanResult").asText())
            .toList();
    assertThat(ours).containsExactly("app", "front"); // Fail first; idle is not in use
    JsonNode app =
        images.stream()
            .filter(i -> i.path("scanResult").asText().equals("app"))
            .findFirst()
            .orElseThrow();
    assertThat(app.path("verdict").asText()).isEqualTo("Fail");
    assertThat(app.path("digest").asText()).isEqualTo(FAIL_DIGEST);
    assertThat(app.path("pods").asInt()).isEqualTo(3);
    assertThat(app.path("workloads").get(0).path("name").asText()).isEqualTo("shop");
    assertThat(app.path("counts").path("critical").asInt()).isEqualTo(1);
    assertThat(app.path("counts").has("low")).isFalse();
    List<String> ids = new ArrayList<>();
    app.path("findings").forEach(f -> ids.add(f.path("id").asText()));
    assertThat(ids).containsExactly("CVE-2026-0001", "CVE-2026-0002");
    JsonNode front =
        images.stream()
            .filter(i -> i.path("scanResult").asText().equals("front"))
            .findFirst()
            .orElseThrow();
    assertThat(front.path("findings").size()).isZero();
  }

  @Test
  void namespaceAndMinSeverityNarrowTheReport() throws Exception {
    CliRun run = report("-n", web, "--min-severity", "low", "-f", "json");

    assertThat(run.exitCode()).as(run.err()).isZero(); // front passes
    JsonNode root = JSON.readTree(run.out());
    assertThat(root.path("images").size()).isEqualTo(1);
    assertThat(root.path("images").get(0).path("findings").get(0).path("id").asText())
        .isEqualTo("CVE-2026-0004");
  }

  @Test
  void tableCsvAndHtml(@TempDir Path dir) throws Exception {
    CliRun table = report("-n", shop);
    assertThat(table.exitCode()).isEqualTo(1);
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("NAMESPACE")
        .contains("VERDICT", "CRITICAL", "HIGH", "MEDIUM", "TOP FINDINGS");
    assertThat(lines.get(1))
        .contains(
            shop,
            "registry.example/shop/app:1.0@sha256:ffffffffffff",
            "Fail",
            "Deployment/shop",
            "CVE-2026-0001 CVE-2026-0002");

    Path csv = dir.resolve("report.csv");
    CliRun c =
        report("-n", shop, "--format", "csv", "--output", csv.toString(), "--min-severity", "low");
    assertThat(c.exitCode()).isEqualTo(1);
    assertThat(c.err()).contains("report written to " + csv);
    List<String> rows = List.of(Files.readString(csv).split("\r\n"));
    assertThat(rows.get(0)).isEqualTo(String.join(",", ClusterReport.CSV_HEADER));
    assertThat(rows).hasSize(4);
    assertThat(rows.get(2)).contains("CVE-2026-0002,Medium,\"zlib, \"\"patched\"\"\"");
    assertThat(rows.get(3)).contains("CVE-2026-0003,Low,'=cmd|calc"); // no formula

    Path html = dir.resolve("report.html");
    CliRun h = report("-n", web, "--format", "html", "-o", html.toString());
    assertThat(h.exitCode()).isZero();
    String page = Files.readString(html);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("registry.example/web/front:2.0");
    assertThat(page).contains("Pod/&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script");
    assertThat(page).doesNotContain("src=\"http").doesNotContain("href=\"http");
  }

  @Test
  void kubeconfigProblemsAreUsageErrorsAndAnUnreachableClusterIsAScannerError(@TempDir Path dir)
      throws Exception {
    CliRun missing =
        CliRun.run("cluster", "report", "--kubeconfig", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .contains("kubeconfig " + dir.resolve("nope") + " (from --kubeconfig) not found");

    CliRun context = report("--context", "no-such-context");
    assertThat(context.exitCode()).as(context.all()).isEqualTo(2);
    assertThat(context.err()).contains("no-such-context");

    CliRun format = report("--format", "xml");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).contains("invalid --format 'xml'");

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path down = dir.resolve("down.yaml");
    Files.writeString(
        down,
        Files.readString(kube.kubeconfig())
            .replaceAll("server: https://[^\\s]+", "server: https://127.0.0.1:" + port));
    CliRun unreachable = CliRun.run("cluster", "report", "--kubeconfig", down.toString());
    assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(3);
    assertThat(unreachable.err())
        .contains("cannot list scanresults in any namespace at https://127.0.0.1:" + port);
  }
}
