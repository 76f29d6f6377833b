package dev.sekisho.scanner.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrichmentFeedsTest {

  @TempDir Path dir;

  private static String metric(String key, String vector, double feedScore) {
    return "\""
        + key
        + "\":[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":\""
        + vector
        + "\",\"baseScore\":"
        + feedScore
        + "}}]";
  }

  private static String cve(String id, String... metrics) {
    return "{\"cve\":{\"id\":\"" + id + "\",\"metrics\":{" + String.join(",", metrics) + "}}}";
  }

  @Test
  void nvdFeedTakesTheNewestVersionPresentAndScoresV2Vectors() throws Exception {
    Path feed = dir.resolve("nvd.json");
    Files.writeString(
        feed,
        "{\"vulnerabilities\":["
            + cve(
                "CVE-2014-0160",
                metric("cvssMetricV31", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
                metric("cvssMetricV2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0))
            + ","
            // the feed's baseScore is not taken when the vector can be scored
            + cve("CVE-2099-0002", metric("cvssMetricV2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 1.0))
            + ","
            + cve("CVE-2099-0003", metric("cvssMetricV2", "AV:N/AC:L/Au:N/C:P/I:P", 4.2))
            + "]}");

    assertThat(EnrichmentFeeds.nvdCvss(feed))
        .containsExactly(
            new EnrichmentFeeds.CvssRow(
                "CVE-2014-0160", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
            new EnrichmentFeeds.CvssRow("CVE-2099-0002", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5),
            new EnrichmentFeeds.CvssRow("CVE-2099-0003", "AV:N/AC:L/Au:N/C:P/I:P", 4.2));
  }
}
