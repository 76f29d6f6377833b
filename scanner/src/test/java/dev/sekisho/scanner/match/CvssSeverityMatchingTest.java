package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Severity and CVSS score of findings whose advisories carry CVSS vectors of several versions. */
class CvssSeverityMatchingTest {

  private static final String V2_10 = "AV:N/AC:L/Au:N/C:C/I:C/A:C";
  private static final String V2_5 = "AV:N/AC:L/Au:N/C:P/I:N/A:N";
  private static final String V31_7_5 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
  private static final String V31_9_8 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

  @TempDir Path dir;

  private static Package pkg(String name) {
    return new Package(
        PackageType.PYPI,
        name,
        "1.0",
        null,
        null,
        List.of(),
        null,
        new Location(null, "/app"),
        null);
  }

  private static OsvFixtures.Rec pypi(String id, String name) {
    return rec(id).affected("PyPI", name, List.of("i:0", "f:2.0"), null);
  }

  /** One CVE of an NVD 2.0 feed with one primary metric. */
  private static String nvd(String cve, String metric, String vector, double score) {
    return "{\"cve\":{\"id\":\""
        + cve
        + "\",\"metrics\":{\""
        + metric
        + "\":[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":\""
        + vector
        + "\",\"baseScore\":"
        + score
        + "}}]}}}";
  }

  /**
   * Builds a database from the records and an NVD feed of the entries, then matches PyPI packages
   * of these names at version 1.0: the findings by package name.
   */
  private Map<String, Vulnerability> matchWithFeed(
      List<OsvFixtures.Rec> records, List<String> nvdEntries, String... names) throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(zip, OsvFixtures.zip(records, Map.of()));
    Path nvd = dir.resolve("nvd.json");
    Files.writeString(nvd, "{\"vulnerabilities\":[" + String.join(",", nvdEntries) + "]}");
    Path dbDir = dir.resolve("db");
    new DatabaseUpdater()
        .update(
            SourcesConfig.local(List.of(zip)).withCvss(List.of(nvd.toString())), dbDir, l -> {});
    try (VulnDatabase db = VulnDatabase.open(dbDir)) {
      return new VulnerabilityMatcher(db)
          .match(null, java.util.Arrays.stream(names).map(n -> pkg(n)).toList()).stream()
              .collect(Collectors.toMap(v -> v.pkg().name(), Function.identity()));
    }
  }

  @Test
  void v2OnlyAdvisoriesAreRatedWithTheV2TableAndNewerVersionsWin() throws Exception {
    Map<String, Vulnerability> found =
        matchWithFeed(
            List.of(
                // an old record with nothing but a v2 vector: 10.0 is High in v2, not Critical
                pypi("PYSEC-2099-1", "old").aliases("CVE-2099-0001").cvss(V2_10),
                // aliases of one CVE: the GHSA's v3 7.5 is used, not the PYSEC's higher v2 10.0
                pypi("PYSEC-2099-2", "merged").aliases("CVE-2099-0002").cvss(V2_10),
                pypi("GHSA-2099-0002", "merged").aliases("CVE-2099-0002").cvss(V31_7_5),
                // v2 only, but the NVD feed knows a v3 vector for the CVE
                pypi("PYSEC-2099-3", "enriched").aliases("CVE-2099-0003").cvss(V2_5),
                // v2 only; the feed's v2 vector is lower and does not replace it
                pypi("PYSEC-2099-4", "feed-v2").aliases("CVE-2099-0004").cvss(V2_10)),
            List.of(
                nvd("CVE-2099-0003", "cvssMetricV31", V31_9_8, 9.8),
                nvd("CVE-2099-0004", "cvssMetricV2", V2_5, 5.0)),
            "old",
            "merged",
            "enriched",
            "feed-v2");
    assertThat(found).hasSize(4);

    Vulnerability old = found.get("old");
    assertThat(old.id()).isEqualTo("CVE-2099-0001");
    assertThat(old.cvssVector()).isEqualTo(V2_10);
    assertThat(old.cvssScore()).isEqualTo(10.0);
    assertThat(old.severity()).as("v2 table: High, not Critical").isEqualTo(Severity.High);

    Vulnerability merged = found.get("merged");
    assertThat(merged.cvssVector()).isEqualTo(V31_7_5);
    assertThat(merged.cvssScore()).isEqualTo(7.5);
    assertThat(merged.severity()).isEqualTo(Severity.High);

    Vulnerability enriched = found.get("enriched");
    assertThat(enriched.cvssVector()).as("the feed's v3 over the advisory's v2").isEqualTo(V31_9_8);
    assertThat(enriched.severity()).isEqualTo(Severity.Critical);

    Vulnerability feedV2 = found.get("feed-v2");
    assertThat(feedV2.cvssVector()).isEqualTo(V2_10);
    assertThat(feedV2.severity()).isEqualTo(Severity.High);
  }

  @Test
  void anAdvisoryDatabasesWordRatesBeforeTheFeedsScoreWhichIsStillReported() throws Exception {
    Map<String, Vulnerability> found =
        matchWithFeed(
            List.of(
                // no vector, GitHub's word: Moderate
                pypi("GHSA-2099-0005", "worded")
                    .aliases("CVE-2099-0005")
                    .put("database_specific", Map.of("severity", "MODERATE")),
                // no vector, no word: the feed's score rates
                pypi("PYSEC-2099-6", "unworded").aliases("CVE-2099-0006")),
            List.of(
                nvd("CVE-2099-0005", "cvssMetricV31", V31_9_8, 9.8),
                nvd("CVE-2099-0006", "cvssMetricV31", V31_9_8, 9.8)),
            "worded",
            "unworded");
    Vulnerability worded = found.get("worded");
    assertThat(worded.severity()).as("the advisory database's word").isEqualTo(Severity.Medium);
    assertThat(worded.cvssScore()).as("the feed's score is still reported").isEqualTo(9.8);
    assertThat(found.get("unworded").severity()).isEqualTo(Severity.Critical);
  }
}
