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

/** Parsers for the enrichment feeds: CISA KEV, NVD CVE API 2.0 JSON and FIRST's EPSS CSV. */
final class EnrichmentFeeds {
  private static final java.util.regex.Pattern CVE =
      java.util.regex.Pattern.compile("CVE-\\d{4}-\\d{4,}");

  private EnrichmentFeeds() {}

  /** One CVE's EPSS score. */
  record EpssRow(String cve, double score, double percentile) {}

  /**
   * An EPSS feed.
   *
   * @param modelVersion the comment line's model_version, or "unknown model"
   * @param scoreDate the comment line's score_date, or "unknown date"
   * @param rows the scores
   */
  record Epss(String modelVersion, String scoreDate, List<EpssRow> rows) {}

  /**
   * FIRST's EPSS CSV ({@code epss_scores-YYYY-MM-DD.csv.gz}, gzip or plain): an optional comment
   * line {@code #model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000}, the header {@code
   * cve,epss,percentile}, then one row per CVE.
   *
   * @throws IOException naming the file and the line when the header is missing or a row is not a
   *     CVE id with two numbers between 0 and 1
   */
  static Epss epss(Path file) throws IOException {
    String model = "unknown model";
    String date = "unknown date";
    List<EpssRow> rows = new ArrayList<>();
    try (java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                gzipOrPlain(file), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      boolean header = false;
      while ((line = in.readLine()) != null) {
        n++;
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("#")) {
          for (String part : line.substring(1).split(",")) {
            int colon = part.indexOf(':');
            if (colon > 0) {
              String k = part.substring(0, colon).strip();
              String v = part.substring(colon + 1).strip();
              if (k.equals("model_version")) {
                model = v;
              } else if (k.equals("score_date")) {
                date = v;
              }
            }
          }
          continue;
        }
        if (!header) {
          if (!line.toLowerCase(Locale.ROOT).replace(" ", "").equals("cve,epss,percentile")) {
            throw new IOException(
                "cannot parse EPSS feed "
                    + file
                    + ": line "
                    + n
                    + ": expected the header cve,epss,percentile");
          }
          header = true;
          continue;
        }
        String[] f = line.split(",", -1);
        try {
          if (f.length != 3 || !CVE.matcher(f[0].strip()).matches()) {
            throw new NumberFormatException("not cve,epss,percentile");
          }
          double score = Double.parseDouble(f[1].strip());
          double percentile = Double.parseDouble(f[2].strip());
          if (!(score >= 0 && score <= 1 && percentile >= 0 && percentile <= 1)) {
            throw new NumberFormatException("scores are between 0 and 1");
          }
          rows.add(new EpssRow(f[0].strip(), score, percentile));
        } catch (NumberFormatException e) {
          throw new IOException(
              "cannot parse EPSS feed " + file + ": line " + n + ": " + e.getMessage(), e);
        }
      }
      if (!header) {
        throw new IOException("cannot parse EPSS feed " + file + ": no cve,epss,percentile header");
      }
    } catch (java.io.UncheckedIOException e) {
      throw new IOException("cannot read EPSS feed " + file + ": " + e.getMessage(), e);
    }
    return new Epss(model, date, rows);
  }

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

  /** The file's text, gunzipped when it starts with gzip's magic bytes (whatever its name). */
  private static InputStream gzipOrPlain(Path file) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file));
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    return a == 0x1f && b == 0x8b ? new GZIPInputStream(in) : in;
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      return new GZIPInputStream(in);
    }
    return in;
  }
}
