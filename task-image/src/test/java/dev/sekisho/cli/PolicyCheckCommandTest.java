package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckCommandTest {
  @TempDir Path tmp;

  @Test
  void validFilesPass() throws Exception {
    Path file = tmp.resolve("ok.yaml");
    Files.writeString(
        file,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: base
        spec:
          vulnerabilities:
            failOn: Critical
        ---
        apiVersion: sekisho.dev/v1alpha1
        kind: ClusterScanPolicy
        metadata:
          name: org
        spec:
          action: Warn
          config:
            requireNonRoot: true
        """);
    CliRun r = CliRun.run("policy", "check", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(file + ": ok (2 policies: File/base, File/org)\n");
  }

  @Test
  void theShippedPolicyPacksPassPolicyCheck() {
    Path packs = Path.of("..", "manifests", "policies");
    CliRun r =
        CliRun.run(
            "policy",
            "check",
            packs.resolve("nist-sp-800-190.yaml").toString(),
            packs.resolve("cis-docker-benchmark.yaml").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("nist-sp-800-190.yaml: ok (1 policy: File/nist-sp-800-190)")
        .contains(
            "cis-docker-benchmark.yaml: ok (2 policies: File/cis-docker-benchmark,"
                + " File/cis-docker-benchmark-advisory)");
  }

  @Test
  void invalidOrMissingFilesExitTwoNamingTheFile() throws Exception {
    Path noExpiry = tmp.resolve("no-expiry.yaml");
    Files.writeString(
        noExpiry,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: lax
        spec:
          exceptions:
            - id: CVE-2024-1
              reason: because
        """);
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(
        typo,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: typo
        spec:
          vulnerabilitys:
            failOn: High
        """);
    Path missing = tmp.resolve("missing.yaml");
    CliRun r =
        CliRun.run("policy", "check", noExpiry.toString(), typo.toString(), missing.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines())
        .hasSize(3)
        .allMatch(l -> l.startsWith("sekisho: error: "))
        .anyMatch(l -> l.contains(noExpiry.toString()) && l.contains("expires"))
        .anyMatch(l -> l.contains(typo.toString()) && l.contains("vulnerabilitys"))
        .anyMatch(l -> l.contains(missing + " does not exist"));
    assertThat(r.err()).doesNotContain("\tat ");
  }
}
