package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.scanner.match.VulnerabilityMatcher;
import dev.sekisho.scanner.model.EpssScore;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.policy.Evaluation;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyEngine;
import dev.sekisho.scanner.policy.PolicyViolation;
import dev.sekisho.scanner.report.ReportFormat;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.ReportOptions;
import dev.sekisho.scanner.report.SampleReports;
import dev.sekisho.scanner.report.list.ReportWriters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FIRST's EPSS feed: parsing, the database, findings, the bundle, policies and reports. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EpssTest {
  /** The first lines of a published epss_scores-2025-03-17.csv.gz, in its format. */
  static final String FEED =
      """
      #model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000
      cve,epss,percentile
      CVE-1999-0001,0.01025,0.76614
      CVE-2021-44228,0.94358,0.99962
      CVE-2099-7001,0.00043,0.12001
      """;

  @TempDir Path dir;

  private Path gz(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  @Test
  void readsThePublishedFormatGzippedOrPlain() throws Exception {
    EnrichmentFeeds.Epss gz = EnrichmentFeeds.epss(gz("epss_scores-2025-03-17.csv.gz", FEED));
    assertThat(gz.modelVersion()).isEqualTo("v2025.03.14");
    assertThat(gz.scoreDate()).isEqualTo("2025-03-17T00:00:00+0000");
    assertThat(gz.rows())
        .contains(new EnrichmentFeeds.EpssRow("CVE-2021-44228", 0.94358, 0.99962))
        .hasSize(3);
    // a gzip file cached under another name is still read as gzip; plain CSV as it is
    Path plain = Files.writeString(dir.resolve("epss.csv"), FEED);
    assertThat(EnrichmentFeeds.epss(plain).rows()).isEqualTo(gz.rows());
  }

  @Test
  void badFeedsNameTheFileAndLine() throws Exception {
    Path noHeader = Files.writeString(dir.resolve("a.csv"), "CVE-2021-44228,0.9,0.9\n");
    assertThatThrownBy(() -> EnrichmentFeeds.epss(noHeader))
        .hasMessageContaining("EPSS feed " + noHeader + ": line 1: expected the header");
    Path badRow = Files.writeString(dir.resolve("b.csv"), "cve,epss,percentile\nCVE-1-2,1.5,0.2\n");
    assertThatThrownBy(() -> EnrichmentFeeds.epss(badRow))
        .hasMessageContaining("EPSS feed " + badRow + ": line 2");
    Path outOfRange =
        Files.writeString(dir.resolve("c.csv"), "cve,epss,percentile\nCVE-2021-0001,1.5,0.2\n");
    assertThatThrownBy(() -> EnrichmentFeeds.epss(outOfRange))
        .hasMessageContaining("line 2: scores are between 0 and 1");
  }

  private Path database() throws Exception {
    Path zip = dir.resolve("all.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("GHSA-mvn-0001")
                    .aliases("CVE-2021-44228")
                    .affected(
                        "Maven",
                        "org.apache.logging.log4j:log4j-core",
                        List.of("i:2.0-beta9", "f:2.15.0"),
                        null),
                rec("GHSA-npm-0001")
                    .affected("npm", "@babel/traverse", List.of("i:0", "f:7.23.2"), null)),
            Map.of()));
    Path kev = Files.writeString(dir.resolve("kev.json"), "{\"vulnerabilities\":[]}");
    Path db = dir.resolve("db");
    new DatabaseUpdater()
        .update(
            SourcesConfig.local(List.of(zip))
                .withKev(kev.toString())
                .withEpss(gz("epss_scores-2025-03-17.csv.gz", FEED).toString()),
            db,
            line -> {});
    return db;
  }

  private static Package pkg(PackageType type, String name, String version) {
    return new Package(
        type, name, version, null, null, List.of(), null, new Location(null, "/app"), null);
  }

  @Test
  void findingsCarryTheScoreOfTheirCveAndTheBundleCarriesTheFeed() throws Exception {
    Path db = database();
    List<Package> packages =
        List.of(
            pkg(PackageType.MAVEN, "org.apache.logging.log4j:log4j-core", "2.14.1"),
            pkg(PackageType.NPM, "@babel/traverse", "7.22.0"));
    try (VulnDatabase open = VulnDatabase.open(db)) {
      List<Vulnerability> found = new VulnerabilityMatcher(open).match(null, packages);
      assertThat(found)
          .extracting(Vulnerability::id)
          .containsExactly("CVE-2021-44228", "GHSA-npm-0001");
      assertThat(found.get(0).epss()).isEqualTo(new EpssScore(0.94358, 0.99962));
      assertThat(found.get(1).epss()).as("no CVE, no score").isNull();
      assertThat(open.info().sources()).extracting(DatabaseInfo.Source::kind).contains("epss");
    }

    Path bundle = dir.resolve("bundle.zip");
    DatabaseBundle.Manifest m =
        DatabaseBundle.write(db, bundle, Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(m.files()).extracting(DatabaseBundle.Entry::kind).contains("kev", "epss");
    Path airGapped = dir.resolve("air-gapped");
    new DatabaseUpdater().importFrom(List.of(bundle), airGapped, l -> {});
    try (VulnDatabase open = VulnDatabase.open(airGapped)) {
      assertThat(open.epss("CVE-2021-44228")).contains(new EpssScore(0.94358, 0.99962));
      assertThat(new VulnerabilityMatcher(open).match(null, packages).get(0).epss()).isNotNull();
    }
  }

  private static ScanReport withEpss() {
    ScanReport sample = SampleReports.sample();
    List<Vulnerability> vulns =
        sample.vulnerabilities().stream()
            .map(
                v ->
                    new Vulnerability(
                        v.id(),
                        v.aliases(),
                        v.pkg(),
                        v.fixedVersions(),
                        v.fixState(),
                        v.severity(),
                        v.cvssScore(),
                        v.cvssVector(),
                        v.published(),
                        v.modified(),
                        false,
                        v.summary(),
                        v.references(),
                        v.id().equals("CVE-2024-0002")
                            ? new EpssScore(0.41, 0.97)
                            : new EpssScore(0.02, 0.5)))
            .toList();
    return new ScanReport(
        sample.image(),
        sample.os(),
        sample.packages(),
        vulns,
        sample.secrets(),
        sample.misconfigurations(),
        sample.warnings(),
        sample.metadata());
  }

  @Test
  void aPolicyFailsOnTheEpssThresholdAndReportsShowTheScore() throws Exception {
    ScanPolicySpec spec = new ScanPolicySpec();
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOnKnownExploited(false);
    rules.setFailOnEpss(0.4);
    spec.setVulnerabilities(rules);
    NamedPolicy policy = new NamedPolicy(NamedPolicy.FILE, null, "epss", spec);
    Evaluation e =
        PolicyEngine.evaluate(withEpss(), List.of(policy), Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(e.verdict()).isEqualTo(Verdict.Fail);
    assertThat(e.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("vulnerabilities.failOnEpss");
              assertThat(v.findingId()).isEqualTo("CVE-2024-0002");
              assertThat(v.message()).contains("EPSS 0.41", "percentile 0.97");
            });
    rules.setFailOnEpss(0.5);
    assertThat(
            PolicyEngine.evaluate(
                    withEpss(), List.of(policy), Instant.parse("2026-12-01T00:00:00Z"))
                .violations())
        .extracting(PolicyViolation::rule)
        .isEmpty();
    rules.setFailOnEpss(1.5);
    assertThat(
            PolicyEngine.evaluate(
                    withEpss(), List.of(policy), Instant.parse("2026-12-01T00:00:00Z"))
                .violations())
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("failOnEpss: 1.5 is outside 0.0 to 1.0"));

    ReportInput input = new ReportInput(withEpss(), e);
    assertThat(render(ReportFormat.TABLE, input)).contains("CVE-2024-0002 [EPSS 0.410 p97]");
    assertThat(render(ReportFormat.JSON, input)).contains("\"epss\" : {", "\"percentile\" : 0.97");
    assertThat(render(ReportFormat.SARIF, input)).contains("\"epssPercentile\" : 0.97");
    assertThat(render(ReportFormat.CYCLONEDX, input)).contains("sekisho:epss-score");
    assertThat(render(ReportFormat.HTML, input)).contains("EPSS 0.410 (percentile 97.0%)");
  }

  private static String render(ReportFormat format, ReportInput input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportWriters.of(format, ReportOptions.plain()).write(input, out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
