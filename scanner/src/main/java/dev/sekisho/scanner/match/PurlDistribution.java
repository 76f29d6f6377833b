package dev.sekisho.scanner.match;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.OperatingSystem;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distribution release an OS package's purl names, for inputs without an operating system (an
 * SBOM without an operating-system component): the {@code distro} qualifier as Syft writes it
 * ({@code debian-12}, {@code alpine-3.20.3}, {@code rhel-9.4}, {@code ubuntu-22.04}) or as the purl
 * spec's examples do ({@code bookworm}, {@code jammy}, {@code 3.20}), with the purl's namespace
 * ({@code debian}, {@code ubuntu}, {@code alpine}, {@code redhat}, {@code rocky}, {@code
 * almalinux}, {@code wolfi} …) naming the family when the qualifier does not. Code names are those
 * of the Debian and Ubuntu releases OSV has advisories for.
 */
public final class PurlDistribution {

  /**
   * Qualifier prefixes and purl namespaces → os-release IDs (as {@code EcosystemKeys} keys them).
   */
  private static final Map<String, String> FAMILIES =
      Map.ofEntries(
          Map.entry("debian", "debian"),
          Map.entry("ubuntu", "ubuntu"),
          Map.entry("alpine", "alpine"),
          Map.entry("alpinelinux", "alpine"),
          Map.entry("redhat", "rhel"),
          Map.entry("rhel", "rhel"),
          Map.entry("rocky", "rocky"),
          Map.entry("rockylinux", "rocky"),
          Map.entry("almalinux", "almalinux"),
          Map.entry("alma", "almalinux"),
          Map.entry("wolfi", "wolfi"),
          Map.entry("chainguard", "chainguard"),
          Map.entry("sles", "sles"),
          Map.entry("opensuse-leap", "opensuse-leap"),
          Map.entry("opensuse-tumbleweed", "opensuse-tumbleweed"),
          Map.entry("amazon", "amzn"),
          Map.entry("amzn", "amzn"),
          Map.entry("centos", "centos"),
          Map.entry("fedora", "fedora"),
          Map.entry("oracle", "ol"),
          Map.entry("ol", "ol"));

  /** Families that have no numbered releases in OSV: the family alone names the ecosystem. */
  private static final Set<String> ROLLING = Set.of("wolfi", "chainguard", "opensuse-tumbleweed");

  private static final Map<String, String> CODENAMES =
      Map.ofEntries(
          Map.entry("jessie", "debian 8"),
          Map.entry("stretch", "debian 9"),
          Map.entry("buster", "debian 10"),
          Map.entry("bullseye", "debian 11"),
          Map.entry("bookworm", "debian 12"),
          Map.entry("trixie", "debian 13"),
          Map.entry("forky", "debian 14"),
          Map.entry("trusty", "ubuntu 14.04"),
          Map.entry("xenial", "ubuntu 16.04"),
          Map.entry("bionic", "ubuntu 18.04"),
          Map.entry("focal", "ubuntu 20.04"),
          Map.entry("jammy", "ubuntu 22.04"),
          Map.entry("kinetic", "ubuntu 22.10"),
          Map.entry("lunar", "ubuntu 23.04"),
          Map.entry("mantic", "ubuntu 23.10"),
          Map.entry("noble", "ubuntu 24.04"),
          Map.entry("oracular", "ubuntu 24.10"),
          Map.entry("plucky", "ubuntu 25.04"),
          Map.entry("questing", "ubuntu 25.10"));

  private static final Pattern VERSION = Pattern.compile("v?(\\d+(?:\\.\\d+)*)");
  private static final Pattern EL = Pattern.compile("el(\\d+)");

  private PurlDistribution() {}

  /**
   * The operating system the purl's namespace and {@code distro} qualifier name, or null when they
   * do not name a family and (for families with numbered releases) a release.
   */
  public static OperatingSystem of(String purl) {
    if (purl == null || purl.isBlank()) {
      return null;
    }
    PackageURL p;
    try {
      p = PackageUrls.parse(purl);
    } catch (MalformedPackageURLException e) {
      return null;
    }
    String namespace = p.getNamespace() == null ? null : p.getNamespace().toLowerCase(Locale.ROOT);
    Map<String, String> q = p.getQualifiers();
    String distro = q == null ? null : q.get("distro");
    return of(namespace, distro);
  }

  /** {@link #of(String)} for a namespace and qualifier value, either possibly null. */
  static OperatingSystem of(String namespace, String distro) {
    String family = namespace == null ? null : FAMILIES.get(namespace);
    String release = null;
    String codename = null;
    String d = distro == null ? "" : distro.strip().toLowerCase(Locale.ROOT);
    if (!d.isEmpty()) {
      String rest = d;
      // longest family prefix first, so that "opensuse-leap-15.5" is not read as "opensuse"
      String prefix = null;
      for (String f : FAMILIES.keySet()) {
        if ((d.equals(f) || d.startsWith(f + "-"))
            && (prefix == null || f.length() > prefix.length())) {
          prefix = f;
        }
      }
      if (prefix != null) {
        family = FAMILIES.get(prefix);
        rest = d.length() > prefix.length() ? d.substring(prefix.length() + 1) : "";
      }
      Matcher v = VERSION.matcher(rest);
      Matcher el = EL.matcher(rest);
      if (v.matches()) {
        release = v.group(1);
      } else if (el.matches()) {
        release = el.group(1);
      } else if (CODENAMES.containsKey(rest)) {
        String[] fv = CODENAMES.get(rest).split(" ");
        if (family == null || family.equals(fv[0])) {
          family = fv[0];
          release = fv[1];
          codename = rest;
        }
      }
    }
    if (family == null) {
      return null;
    }
    if (release == null && !ROLLING.contains(family)) {
      return null;
    }
    return new OperatingSystem(family, release, codename, null);
  }
}
