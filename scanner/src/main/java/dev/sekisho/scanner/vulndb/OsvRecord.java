package dev.sekisho.scanner.vulndb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One advisory in the OSV schema (https://ossf.github.io/osv-schema/), reduced to the fields
 * Sekisho uses. Unknown fields are ignored so newer schema versions still parse.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvRecord(
    String id,
    String modified,
    String published,
    String withdrawn,
    List<String> aliases,
    List<String> upstream,
    List<String> related,
    String summary,
    String details,
    List<Severity> severity,
    List<Affected> affected,
    List<Reference> references,
    @JsonProperty("database_specific") JsonNode databaseSpecific) {

  public OsvRecord {
    aliases = list(aliases);
    upstream = list(upstream);
    related = list(related);
    severity = list(severity);
    affected = list(affected);
    references = list(references);
  }

  /** The list without JSON nulls ({@code "affected": [null]} names nothing); empty for none. */
  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list.stream().filter(java.util.Objects::nonNull).toList();
  }

  /** A severity entry: type CVSS_V2/CVSS_V3/CVSS_V4/Ubuntu, score a vector or a rating. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Severity(String type, String score) {}

  /** An affected package with its ranges and/or versions. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Affected(
      @JsonProperty("package") PackageRef pkg,
      List<Range> ranges,
      List<String> versions,
      List<Severity> severity,
      @JsonProperty("ecosystem_specific") JsonNode ecosystemSpecific,
      @JsonProperty("database_specific") JsonNode databaseSpecific) {

    public Affected {
      ranges = list(ranges);
      versions = list(versions);
      severity = list(severity);
    }
  }

  /** The package of an affected entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PackageRef(String ecosystem, String name, String purl) {}

  /** A version range: type SEMVER, ECOSYSTEM or GIT, and its events. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Range(String type, List<Event> events) {
    public Range {
      events = list(events);
    }
  }

  /** One range event; exactly one field is set. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Event(
      String introduced,
      String fixed,
      @JsonProperty("last_affected") String lastAffected,
      String limit) {}

  /** A reference URL. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Reference(String type, String url) {}
}
