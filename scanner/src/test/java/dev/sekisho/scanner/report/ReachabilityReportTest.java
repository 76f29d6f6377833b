package dev.sekisho.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyFiles;
import dev.sekisho.scanner.report.list.ReportWriters;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every report format shows a Go finding's reachability, and ignoreUnreachable's excuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReachabilityReportTest {

  private static Vulnerability go(String id, Reachability r) {
    Package p =
        new Package(
            PackageType.GOLANG,
            "golang.org/x/text",
            "v0.3.5",
            null,
            null,
            List.of(),
            "pkg:golang/golang.org/x/text@v0.3.5",
            new Location(SampleReports.LAYER1, "/app"),
            new PackageMetadata.GoModule("go1.22.1", false, "linux", "amd64"));
    return new Vulnerability(
        id,
        List.of(),
        p,
        List.of("v0.3.7"),
        FixState.FIXED,
        Severity.High,
        7.5,
        null,
        Instant.parse("2021-10-06T17:51:21Z"),
        null,
        false,
        "summary " + id,
        List.of(),
        r);
  }

  private static ScanReport report() {
    ScanReport s = SampleReports.sample();
    List<Vulnerability> vulns = new ArrayList<>(s.vulnerabilities());
    vulns.add(go("CVE-2021-38561", Reachability.REACHABLE));
    vulns.add(go("CVE-2022-32149", Reachability.UNREACHABLE));
    vulns.add(go("CVE-2099-0001", Reachability.UNKNOWN));
    return new ScanReport(
        s.image(),
        s.os(),
        s.packages(),
        vulns,
        s.secrets(),
        s.misconfigurations(),
        s.warnings(),
        s.metadata(),
        s.baseImage());
  }

  private static String write(ReportFormat f, ReportInput input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportWriters.of(f, ReportOptions.plain()).write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ReportInput withPolicy() throws Exception {
    ScanReport r = report();
    Evaluation e =
        PolicyEngine.evaluate(
            r,
            PolicyFiles.parse(
                """
                apiVersion: sekisho.dev/v1alpha1
                kind: ScanPolicy
                metadata: {name: p}
                spec:
                  vulnerabilities: {failOn: Critical, ignoreUnreachable: true}
                """
                    .replace("Critical", "High"),
                "p.yaml",
                false),
            Instant.parse("2026-06-01T00:00:00Z"));
    return new ReportInput(r, e);
  }

  @Test
  void jsonHasReachableOnGoFindingsOnly() throws Exception {
    JsonNode json =
        new ObjectMapper().readTree(write(ReportFormat.JSON, new ReportInput(report())));
    List<String> seen = new ArrayList<>();
    for (JsonNode v : json.get("vulnerabilities")) {
      seen.add(
          v.get("id").asText() + "=" + (v.has("reachable") ? v.get("reachable").asText() : "-"));
    }
    assertThat(seen)
        .contains("CVE-2021-38561=true", "CVE-2022-32149=false", "CVE-2099-0001=unknown")
        .anyMatch(x -> x.endsWith("=-"));
  }

  @Test
  void sarifTableAndHtmlShowIt() throws Exception {
    ReportInput in = new ReportInput(report());
    JsonNode sarif = new ObjectMapper().readTree(write(ReportFormat.SARIF, in));
    List<String> props = new ArrayList<>();
    for (JsonNode r : sarif.at("/runs/0/results")) {
      if (r.at("/properties/reachable").isTextual()) {
        props.add(r.get("ruleId").asText() + "=" + r.at("/properties/reachable").asText());
      }
    }
    assertThat(props)
        .containsExactlyInAnyOrder(
            "CVE-2021-38561=true", "CVE-2022-32149=false", "CVE-2099-0001=unknown");
    assertThat(write(ReportFormat.TABLE, in))
        .contains("CVE-2021-38561 [reachable]", "CVE-2022-32149 [unreachable]")
        .contains("CVE-2099-0001 [reachable?]");
    assertThat(write(ReportFormat.HTML, in)).contains("reachable: false", "reachable: unknown");
  }

  @Test
  void cycloneDxAnalysisFollowsReachability() throws Exception {
    JsonNode bom =
        new ObjectMapper().readTree(write(ReportFormat.CYCLONEDX, new ReportInput(report())));
    List<String> states = new ArrayList<>();
    for (JsonNode v : bom.get("vulnerabilities")) {
      if (v.has("analysis")) {
        states.add(
            v.get("id").asText()
                + "="
                + v.at("/analysis/state").asText()
                + "/"
                + v.at("/analysis/justification").asText());
      }
    }
    assertThat(states)
        .containsExactlyInAnyOrder(
            "CVE-2021-38561=exploitable/",
            "CVE-2022-32149=not_affected/code_not_present",
            "CVE-2099-0001=in_triage/");
  }

  @Test
  void ignoreUnreachableExcusesAndMarksTheFinding() throws Exception {
    ReportInput in = withPolicy();
    assertThat(in.evaluation().violations())
        .noneMatch(v -> "CVE-2022-32149".equals(v.findingId()))
        .anyMatch(v -> "CVE-2099-0001".equals(v.findingId()));
    assertThat(write(ReportFormat.TABLE, in)).contains("CVE-2022-32149 [unreachable] [excepted]");
    JsonNode json = new ObjectMapper().readTree(write(ReportFormat.JSON, in));
    for (JsonNode v : json.get("vulnerabilities")) {
      if (v.get("id").asText().equals("CVE-2022-32149")) {
        assertThat(v.at("/exception/reason").asText()).startsWith("code_not_present");
      }
    }
  }
}
