package dev.sekisho.operator.resultspec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.ScanResultSpec;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportToSpecTest {
  private static Vulnerability vuln(
      String id, Severity severity, Double cvss, boolean kev, boolean fixed) {
    Package p =
        new Package(PackageType.DEB, "pkg-" + id, "1.0", null, null, null, null, null, null);
    return new Vulnerability(
        id,
        null,
        p,
        fixed ? List.of("1.1") : List.of(),
        null,
        severity,
        cvss,
        null,
        null,
        null,
        kev,
        null,
        null);
  }

  private static ScanReport report(List<Vulnerability> vulns) {
    ImageFacts image =
        new ImageFacts(
            "r.example/app:1",
            "r.example",
            "app",
            "1",
            null,
            "linux/amd64",
            "",
            List.of("22/tcp"),
            List.of("DB_PASSWORD", "PATH"),
            false,
            null,
            null,
            null,
            null);
    return new ScanReport(
        image,
        new OperatingSystem("debian", "12", null, "Debian 12"),
        List.of(),
        vulns,
        null,
        null,
        null,
        null);
  }

  @Test
  void keepsTheHundredMostSevereFindingsAndCountsAll() {
    List<Vulnerability> vulns = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      vulns.add(vuln(String.format("CVE-2024-%04d", i), Severity.Low, 3.0, false, i % 2 == 0));
    }
    vulns.add(vuln("CVE-2024-9001", Severity.Medium, 5.0, false, false));
    vulns.add(vuln("CVE-2024-9002", Severity.Critical, 9.0, false, true));
    vulns.add(vuln("CVE-2024-9003", Severity.Low, 2.0, true, false));
    vulns.add(vuln("CVE-2024-9004", Severity.Critical, 9.8, false, true));

    ScanResultSpec spec = new ScanResultSpec();
    ReportToSpec.fill(spec, report(vulns));

    assertThat(spec.getFindings()).hasSize(100);
    assertThat(spec.getFindings().stream().limit(4).map(Finding::getId))
        .containsExactly("CVE-2024-9003", "CVE-2024-9004", "CVE-2024-9002", "CVE-2024-9001");
    assertThat(spec.getFindings().get(4).getId()).isEqualTo("CVE-2024-0000");
    assertThat(spec.getSummary().getCritical()).isEqualTo(2);
    assertThat(spec.getSummary().getMedium()).isEqualTo(1);
    assertThat(spec.getSummary().getLow()).isEqualTo(151);
    assertThat(spec.getSummary().getFixable()).isEqualTo(77);
    assertThat(spec.getSummary().getKnownExploited()).isEqualTo(1);
    assertThat(spec.getConfig().getSecretEnvNames()).containsExactly("DB_PASSWORD");
    assertThat(spec.getOs().getFamily()).isEqualTo("debian");
  }

  @Test
  void specToReportRebuildsTheExcerptForTheEngine() {
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage("r.example/app:1");
    ReportToSpec.fill(
        spec, report(List.of(vuln("CVE-2024-0001", Severity.High, 7.5, false, true))));

    ScanReport back = SpecToReport.toReport(spec);

    assertThat(back.vulnerabilities())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.id()).isEqualTo("CVE-2024-0001");
              assertThat(v.severity()).isEqualTo(Severity.High);
              assertThat(v.fixedVersions()).containsExactly("1.1");
              assertThat(v.pkg().type()).isEqualTo(PackageType.DEB);
            });
    assertThat(back.image().registry()).isEqualTo("r.example");
    assertThat(back.image().tag()).isEqualTo("1");
    assertThat(back.image().exposedPorts()).containsExactly("22/tcp");
  }

  @Test
  void reachabilityTravelsToTheScanResultAndBack() {
    Vulnerability unreachable = vuln("CVE-2022-32149", Severity.High, 7.5, false, true);
    unreachable =
        new Vulnerability(
            unreachable.id(),
            unreachable.aliases(),
            unreachable.pkg(),
            unreachable.fixedVersions(),
            unreachable.fixState(),
            unreachable.severity(),
            unreachable.cvssScore(),
            null,
            null,
            null,
            false,
            null,
            null,
            Reachability.UNREACHABLE);
    ScanResultSpec spec = new ScanResultSpec();
    spec.setImage("r.example/app:1");
    ReportToSpec.fill(
        spec, report(List.of(unreachable, vuln("CVE-2024-0001", Severity.High, 7.5, false, true))));

    assertThat(spec.getFindings())
        .extracting(f -> f.getId() + "=" + f.getReachable())
        .containsExactlyInAnyOrder("CVE-2022-32149=false", "CVE-2024-0001=null");
    // the engine re-evaluating the ScanResult sees it, for vulnerabilities.ignoreUnreachable
    assertThat(SpecToReport.toReport(spec).vulnerabilities())
        .extracting(Vulnerability::reachability)
        .containsExactlyInAnyOrder(Reachability.UNREACHABLE, null);
  }
}
