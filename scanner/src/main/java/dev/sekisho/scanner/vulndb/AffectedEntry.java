package dev.sekisho.scanner.vulndb;

import dev.sekisho.api.v1alpha1.Severity;
import java.util.List;

/**
 * One affected-package entry of an advisory as the database stores it.
 *
 * @param advisoryKey the advisory's row key (for {@link VulnDatabase#advisory(long)})
 * @param ecosystem the ecosystem key ({@code Debian:12})
 * @param name the package name key
 * @param ranges SEMVER and ECOSYSTEM ranges (GIT ranges are dropped at build time)
 * @param versions explicitly listed affected versions
 * @param distroSeverity the distribution's own rating for this package (Debian urgency, Ubuntu
 *     priority, Red Hat severity …), or null
 * @param wontFix the distribution states it will not fix this package
 */
public record AffectedEntry(
    long advisoryKey,
    String ecosystem,
    String name,
    List<OsvRecord.Range> ranges,
    List<String> versions,
    Severity distroSeverity,
    boolean wontFix) {

  public AffectedEntry {
    ranges = List.copyOf(ranges);
    versions = List.copyOf(versions);
  }
}
