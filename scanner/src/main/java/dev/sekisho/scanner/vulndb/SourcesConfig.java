package dev.sekisho.scanner.vulndb;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where {@code sekisho db update} reads its data from. Every source is a URL or a path.
 *
 * @param osvBaseUrl base URL of OSV's per-ecosystem archives ({@code <base>/<Ecosystem>/all.zip}),
 *     or null to fetch none
 * @param ecosystems the ecosystems whose archives are fetched from {@code osvBaseUrl}
 * @param osvPaths local OSV data: {@code all.zip} files, directories of {@code .json}/{@code .zip}
 *     files, or single {@code .json} records (for air-gapped use)
 * @param kev the CISA Known Exploited Vulnerabilities JSON catalogue, as an http(s) URL or a path,
 *     or null
 * @param cvss CVSS enrichment feeds for CVEs whose advisories carry no severity: NVD CVE API 2.0
 *     JSON files ({@code .json} or {@code .json.gz}), directories of them, or http(s) URLs
 * @param maxAge age after which {@link DatabaseInfo#staleWarning} warns
 * @param epss FIRST's EPSS scores as published ({@code epss_scores-YYYY-MM-DD.csv.gz}: a {@code
 *     #model_version:…,score_date:…} line, then {@code cve,epss,percentile}), gzip or plain, as an
 *     http(s) URL or a path, or null
 */
public record SourcesConfig(
    URI osvBaseUrl,
    List<String> ecosystems,
    List<Path> osvPaths,
    String kev,
    List<String> cvss,
    Duration maxAge,
    String epss) {

  /** The public OSV bucket, osv.dev's documented bulk download location. */
  public static final URI DEFAULT_OSV_BASE_URL =
      URI.create("https://osv-vulnerabilities.storage.googleapis.com");

  /** The ecosystems fetched by default: the distributions and language ecosystems Sekisho scans. */
  public static final List<String> DEFAULT_ECOSYSTEMS =
      List.of(
          "Debian",
          "Ubuntu",
          "Alpine",
          "Red Hat",
          "Rocky Linux",
          "AlmaLinux",
          "SUSE",
          "openSUSE",
          "Wolfi",
          "Chainguard",
          "Maven",
          "npm",
          "PyPI",
          "Go",
          "crates.io",
          "RubyGems",
          "NuGet",
          "Packagist");

  public SourcesConfig {
    ecosystems = ecosystems == null ? List.of() : List.copyOf(ecosystems);
    osvPaths = osvPaths == null ? List.of() : List.copyOf(osvPaths);
    cvss = cvss == null ? List.of() : List.copyOf(cvss);
    maxAge = maxAge == null ? DatabaseInfo.DEFAULT_MAX_AGE : maxAge;
  }

  /** Sources without an EPSS feed. */
  public SourcesConfig(
      URI osvBaseUrl,
      List<String> ecosystems,
      List<Path> osvPaths,
      String kev,
      List<String> cvss,
      Duration maxAge) {
    this(osvBaseUrl, ecosystems, osvPaths, kev, cvss, maxAge, null);
  }

  /** The public OSV archives for the default ecosystems, no enrichment feeds. */
  public static SourcesConfig defaults() {
    return new SourcesConfig(
        DEFAULT_OSV_BASE_URL, DEFAULT_ECOSYSTEMS, List.of(), null, List.of(), null);
  }

  /** Local OSV data only (what {@code sekisho db import PATH…} uses). */
  public static SourcesConfig local(List<Path> osvPaths) {
    return new SourcesConfig(null, List.of(), osvPaths, null, List.of(), null);
  }

  /** This configuration with a known-exploited catalogue. */
  public SourcesConfig withKev(String kevLocation) {
    return new SourcesConfig(osvBaseUrl, ecosystems, osvPaths, kevLocation, cvss, maxAge, epss);
  }

  /** This configuration with CVSS enrichment feeds. */
  public SourcesConfig withCvss(List<String> cvssLocations) {
    return new SourcesConfig(osvBaseUrl, ecosystems, osvPaths, kev, cvssLocations, maxAge, epss);
  }

  /** This configuration with an EPSS feed (null for none). */
  public SourcesConfig withEpss(String epssLocation) {
    return new SourcesConfig(osvBaseUrl, ecosystems, osvPaths, kev, cvss, maxAge, epssLocation);
  }
}
