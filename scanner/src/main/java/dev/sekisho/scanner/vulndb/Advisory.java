package dev.sekisho.scanner.vulndb;

import dev.sekisho.api.v1alpha1.Severity;
import java.time.Instant;
import java.util.List;

/**
 * The advisory-level data of one stored OSV record.
 *
 * @param id the OSV id (CVE-…, GHSA-…, DSA-…, DEBIAN-CVE-…, ALPINE-CVE-…, USN-…)
 * @param aliases aliases, upstream ids and related distro ids, in record order
 * @param summary summary (or the start of the details), may be null
 * @param published published time, or null
 * @param modified modified time, or null
 * @param cvssVector the record's CVSS vector of the newest version (v4.0, v3.x, v2), the
 *     highest-scoring one among several of that version; an unscorable vector only when there is no
 *     other; or null
 * @param cvssScore that vector's base score, or null
 * @param ratedSeverity a severity the record rates without CVSS (Ubuntu priority, GHSA/Red Hat
 *     {@code database_specific.severity}), or null
 * @param references reference URLs
 */
public record Advisory(
    String id,
    List<String> aliases,
    String summary,
    Instant published,
    Instant modified,
    String cvssVector,
    Double cvssScore,
    Severity ratedSeverity,
    List<String> references) {

  public Advisory {
    aliases = List.copyOf(aliases);
    references = List.copyOf(references);
  }
}
