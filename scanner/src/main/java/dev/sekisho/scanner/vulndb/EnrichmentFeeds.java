package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.scanner.cvss.Cvss;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Parsers for the enrichment feeds: CISA KEV and NVD CVE API 2.0 JSON. */
final class EnrichmentFeeds {

  private EnrichmentFeeds() {}

  /** The {@code cveID}s of a CISA KEV catalogue ({@code {"vulnerabilities":[{"cveID":…}]}}). */
  static List<String> kevIds(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = open(file)) {
      root = Schema.JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException(
          "cannot parse known-exploited catalogue " + file + ": " + e.getMessage(), e);
    }
    JsonNode vulns = root == null ? null : root.get("vulnerabilities");
    if (vulns == null || !vulns.isArray()) {
      throw new IOException(
          "cannot parse known-exploited catalogue " + file + ": no \"vulnerabilities\" array");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode v : vulns) {
      JsonNode id = v.get("cveID");
      if (id != null && id.isTextual()) {
        ids.add(id.asText());
      }
    }
    return ids;
  }

  /** One CVE's CVSS data from an NVD feed. */
  record CvssRow(String cve, String vector, Double score) {}

  /**
   * The CVSS data of an NVD CVE API 2.0 JSON document ({@code {"vulnerabilities":[{"cve":{"id":…,
   * "metrics":{…}}}]}}): per CVE the first of cvssMetricV40, cvssMetricV31, cvssMetricV30,
   * cvssMetricV2 (the newest CVSS version present: scores of different versions are not
   * comparable), preferring the entry of type "Primary". The score is computed from the vector (v2,
   * v3.x, v4.0), else the feed's {@code baseScore} is taken.
   */
  static List<CvssRow> nvdCvss(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = open(file)) {
      root = Schema.JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException("cannot parse CVSS feed " + file + ": " + e.getMessage(), e);
    }
    JsonNode vulns = root == null ? null : root.get("vulnerabilities");
    if (vulns == null || !vulns.isArray()) {
      throw new IOException(
          "cannot parse CVSS feed "
              + file
              + ": no \"vulnerabilities\" array (NVD CVE API 2.0 format expected)");
    }
    List<CvssRow> rows = new ArrayList<>();
    for (JsonNode v : vulns) {
      JsonNode cve = v.get("cve");
      if (cve == null || cve.get("id") == null) {
        continue;
      }
      JsonNode metrics = cve.get("metrics");
      if (metrics == null) {
        continue;
      }
      for (String key :
          new String[] {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"}) {
        JsonNode list = metrics.get(key);
        if (list == null || !list.isArray() || list.isEmpty()) {
          continue;
        }
        JsonNode chosen = list.get(0);
        for (JsonNode m : list) {
          if ("Primary".equals(m.path("type").asText())) {
            chosen = m;
            break;
          }
        }
        JsonNode data = chosen.get("cvssData");
        if (data == null || data.get("vectorString") == null) {
          continue;
        }
        String vector = data.get("vectorString").asText();
        Double score =
            Cvss.baseScore(vector)
                .orElse(data.has("baseScore") ? data.get("baseScore").asDouble() : null);
        rows.add(new CvssRow(cve.get("id").asText(), vector, score));
        break;
      }
    }
    return rows;
  }

  /** The feed files of a location: the file itself, or a directory's .json/.json.gz files. */
  static List<Path> files(Path location) throws IOException {
    if (!Files.isDirectory(location)) {
      if (!Files.isRegularFile(location)) {
        throw new IOException("feed " + location + " does not exist");
      }
      return List.of(location);
    }
    try (var walk = Files.walk(location)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".json") || n.endsWith(".json.gz");
              })
          .sorted()
          .toList();
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      return new GZIPInputStream(in);
    }
    return in;
  }
}
