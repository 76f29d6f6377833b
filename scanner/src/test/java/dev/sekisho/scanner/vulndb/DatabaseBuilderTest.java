package dev.sekisho.scanner.vulndb;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which CVSS vector the builder keeps when a record or a CVE has several. */
class DatabaseBuilderTest {

  private static final String V2_10 = "AV:N/AC:L/Au:N/C:C/I:C/A:C";
  private static final String V2_7_5 = "AV:N/AC:L/Au:N/C:P/I:P/A:P";
  private static final String V31_7_5 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
  private static final String V31_9_8 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  private static final String V40_8_7 =
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N";

  @TempDir Path dir;

  private static OsvRecord record(OsvFixtures.Rec r) throws IOException {
    return Schema.JSON.readValue(r.json(), OsvRecord.class);
  }

  private static OsvFixtures.Rec npm(String id, String name) {
    return rec(id).affected("npm", name, List.of("i:0", "f:1.0.0"), null);
  }

  private Advisory advisoryOf(VulnDatabase db, String name) throws IOException {
    return db.advisory(db.affected("npm", name).get(0).advisoryKey());
  }

  @Test
  void anAdvisoryKeepsItsVectorOfTheNewestVersionThenTheHighestScore() throws Exception {
    try (DatabaseBuilder b = DatabaseBuilder.create(VulnDatabase.databaseFile(dir))) {
      b.add(record(npm("GHSA-0000-0000-0001", "v3-over-higher-v2").cvss(V2_10, V31_7_5)));
      b.add(record(npm("GHSA-0000-0000-0002", "v4-over-higher-v3").cvss(V31_9_8, V40_8_7)));
      b.add(record(npm("GHSA-0000-0000-0003", "v2-only").cvss(V2_7_5)));
      b.add(record(npm("GHSA-0000-0000-0004", "higher-v2").cvss(V2_7_5, V2_10)));
      b.add(record(npm("GHSA-0000-0000-0005", "scored-over-broken").cvss("CVSS:4.0/AV:N", V2_7_5)));
      b.add(record(npm("GHSA-0000-0000-0006", "broken-only").cvss("AV:N/AC:L")));
      b.finish(Instant.parse("2026-12-01T00:00:00Z"));
    }
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      Advisory a = advisoryOf(db, "v3-over-higher-v2");
      assertThat(a.cvssVector()).isEqualTo(V31_7_5);
      assertThat(a.cvssScore()).isEqualTo(7.5);
      a = advisoryOf(db, "v4-over-higher-v3");
      assertThat(a.cvssVector()).isEqualTo(V40_8_7);
      assertThat(a.cvssScore()).isEqualTo(8.7);
      a = advisoryOf(db, "v2-only");
      assertThat(a.cvssVector()).isEqualTo(V2_7_5);
      assertThat(a.cvssScore()).isEqualTo(7.5);
      a = advisoryOf(db, "higher-v2");
      assertThat(a.cvssVector()).isEqualTo(V2_10);
      assertThat(a.cvssScore()).isEqualTo(10.0);
      a = advisoryOf(db, "scored-over-broken");
      assertThat(a.cvssVector()).isEqualTo(V2_7_5);
      a = advisoryOf(db, "broken-only");
      assertThat(a.cvssVector()).as("kept for the report").isEqualTo("AV:N/AC:L");
      assertThat(a.cvssScore()).isNull();
    }
  }

  @Test
  void aCveKeepsTheNewestVersionAndAmongEqualsTheLaterSource() throws Exception {
    try (DatabaseBuilder b = DatabaseBuilder.create(VulnDatabase.databaseFile(dir))) {
      // OSV records whose id is the CVE come first, as DatabaseUpdater adds them
      b.add(record(npm("CVE-2099-0001", "a").cvss(V31_7_5)));
      b.add(record(npm("CVE-2099-0002", "b").cvss(V2_10)));
      b.add(record(npm("CVE-2099-0003", "c").cvss(V31_9_8)));
      b.add(record(npm("CVE-2099-0004", "d").cvss("CVSS:3.1/AV:N")));
      b.addCvss("CVE-2099-0001", V2_10, 10.0);
      b.addCvss("CVE-2099-0002", V31_7_5, 7.5);
      b.addCvss("CVE-2099-0002", V2_7_5, 7.5);
      b.addCvss("CVE-2099-0003", V31_7_5, 7.5);
      b.addCvss("CVE-2099-0004", V2_7_5, 7.5);
      b.addCvss("CVE-2099-0005", V40_8_7, 8.7);
      b.addCvss("CVE-2099-0005", V31_9_8, 9.8);
      b.addCvss("CVE-2099-0006", "CVSS:4.0/AV:N", null);
      b.addCvss("CVE-2099-0006", V2_7_5, 7.5);
      b.finish(Instant.parse("2026-12-01T00:00:00Z"));
    }
    try (VulnDatabase db = VulnDatabase.open(dir)) {
      assertThat(db.cvss("CVE-2099-0001"))
          .as("a feed's v2 does not replace the record's v3")
          .contains(new VulnDatabase.CvssData(V31_7_5, 7.5));
      assertThat(db.cvss("CVE-2099-0002"))
          .as("a feed's v3 replaces the record's higher v2, a later v2 does not replace it")
          .contains(new VulnDatabase.CvssData(V31_7_5, 7.5));
      assertThat(db.cvss("CVE-2099-0003"))
          .as("same version: the feed wins, also with a lower score")
          .contains(new VulnDatabase.CvssData(V31_7_5, 7.5));
      assertThat(db.cvss("CVE-2099-0004"))
          .as("a scored vector replaces an unscorable one")
          .contains(new VulnDatabase.CvssData(V2_7_5, 7.5));
      assertThat(db.cvss("CVE-2099-0005")).contains(new VulnDatabase.CvssData(V40_8_7, 8.7));
      assertThat(db.cvss("CVE-2099-0006")).contains(new VulnDatabase.CvssData(V2_7_5, 7.5));
      assertThat(db.info().cvssEntries()).isEqualTo(6);
    }
  }
}
