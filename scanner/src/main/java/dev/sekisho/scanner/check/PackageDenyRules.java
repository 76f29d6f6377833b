package dev.sekisho.scanner.check;

import dev.sekisho.api.v1alpha1.PackageRule;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.version.VersionOrdering;
import dev.sekisho.scanner.version.VersionRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Matches installed packages against deny rules. A rule matches a package when every field it sets
 * matches: name glob (over the package name), ecosystem (OSV name, or the purl type), version
 * constraint (in the ecosystem's version order) and purl prefix.
 */
public final class PackageDenyRules {

  /** OSV ecosystem names of OS package ecosystems, by os-release ID. */
  private static final Map<String, String> OS_ECOSYSTEMS =
      Map.ofEntries(
          Map.entry("debian", "Debian"),
          Map.entry("ubuntu", "Ubuntu"),
          Map.entry("alpine", "Alpine"),
          Map.entry("wolfi", "Wolfi"),
          Map.entry("chainguard", "Chainguard"),
          Map.entry("rhel", "Red Hat"),
          Map.entry("centos", "Red Hat"),
          Map.entry("rocky", "Rocky Linux"),
          Map.entry("almalinux", "AlmaLinux"),
          Map.entry("fedora", "Fedora"),
          Map.entry("ol", "Oracle Linux"),
          Map.entry("amzn", "Amazon Linux"),
          Map.entry("opensuse-leap", "openSUSE"),
          Map.entry("opensuse-tumbleweed", "openSUSE"),
          Map.entry("sles", "SUSE"),
          Map.entry("photon", "Photon OS"),
          Map.entry("mariner", "Mariner"),
          Map.entry("azurelinux", "Azure Linux"));

  /**
   * A package denied by a rule.
   *
   * @param ruleIndex index of the rule in the policy's denyPackages list
   * @param rule the rule
   * @param pkg the installed package
   */
  public record Match(int ruleIndex, PackageRule rule, Package pkg) {
    /** The finding as a misconfiguration (check id {@value ImageChecks#DENIED_PACKAGE}). */
    public Misconfiguration toMisconfiguration() {
      String why = rule.getReason() == null ? "" : ": " + rule.getReason();
      return new Misconfiguration(
          ImageChecks.DENIED_PACKAGE,
          Severity.High,
          "Denied package " + pkg.name() + " " + pkg.version(),
          pkg.name() + " " + pkg.version() + " at " + pkg.location() + " is denied" + why);
    }
  }

  private PackageDenyRules() {}

  /**
   * Every (rule, package) pair where the rule matches. Rules that do not compile (bad glob or
   * constraint, neither name nor purl) match nothing; {@code PolicyValidator} reports them.
   */
  public static List<Match> find(
      List<Package> packages, OperatingSystem os, List<PackageRule> rules, VersionOrdering order) {
    List<Match> found = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      PackageRule rule = rules.get(i);
      Compiled compiled;
      try {
        compiled = Compiled.of(rule);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (compiled == null) {
        continue;
      }
      for (Package p : packages) {
        if (compiled.matches(p, os, order)) {
          found.add(new Match(i, rule, p));
        }
      }
    }
    return List.copyOf(found);
  }

  /**
   * The OSV ecosystem of a package: fixed for language packages, from the distribution for OS
   * packages (null when the distribution is unknown).
   */
  public static String ecosystem(Package p, OperatingSystem os) {
    if (!p.type().isOsPackage()) {
      return p.type().osvEcosystem();
    }
    return os == null || os.family() == null
        ? null
        : OS_ECOSYSTEMS.get(os.family().toLowerCase(Locale.ROOT));
  }

  /** What is wrong with a rule, empty when it is usable. */
  public static List<String> problems(PackageRule rule) {
    List<String> problems = new ArrayList<>();
    if (isBlank(rule.getName()) && isBlank(rule.getPurl())) {
      problems.add("needs a name or a purl");
    }
    if (!isBlank(rule.getName())) {
      Glob.problem(rule.getName()).ifPresent(problems::add);
    }
    if (!isBlank(rule.getVersions())) {
      try {
        VersionRange.parse(rule.getVersions());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!isBlank(rule.getPurl()) && !rule.getPurl().startsWith("pkg:")) {
      problems.add("purl '" + rule.getPurl() + "' does not start with 'pkg:'");
    }
    return problems;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private record Compiled(Glob name, String ecosystem, VersionRange versions, String purl) {
    static Compiled of(PackageRule rule) {
      if (isBlank(rule.getName()) && isBlank(rule.getPurl())) {
        return null;
      }
      return new Compiled(
          isBlank(rule.getName()) ? null : Glob.compile(rule.getName()),
          isBlank(rule.getEcosystem()) ? null : rule.getEcosystem().strip(),
          isBlank(rule.getVersions()) ? null : VersionRange.parse(rule.getVersions()),
          isBlank(rule.getPurl()) ? null : rule.getPurl().strip());
    }

    boolean matches(Package p, OperatingSystem os, VersionOrdering order) {
      if (name != null && !name.matches(p.name())) {
        return false;
      }
      String pkgEcosystem = PackageDenyRules.ecosystem(p, os);
      if (ecosystem != null
          && !ecosystem.equalsIgnoreCase(p.type().purlType())
          && !ecosystem.equalsIgnoreCase(pkgEcosystem)) {
        return false;
      }
      if (purl != null && !purlMatches(p.purl())) {
        return false;
      }
      if (versions != null) {
        Comparator<String> cmp =
            order.forEcosystem(pkgEcosystem == null ? p.type().purlType() : pkgEcosystem);
        try {
          return versions.contains(p.version(), cmp);
        } catch (RuntimeException e) {
          // The installed version is not one of the scheme: the constraint cannot hold.
          return false;
        }
      }
      return true;
    }

    private boolean purlMatches(String packagePurl) {
      if (packagePurl == null) {
        return false;
      }
      String base = packagePurl;
      int cut = indexOfAny(base, '?', '#');
      if (cut >= 0) {
        base = base.substring(0, cut);
      }
      if (purl.contains("@")) {
        return base.equals(purl);
      }
      String nameOnly = base.contains("@") ? base.substring(0, base.indexOf('@')) : base;
      return nameOnly.equals(purl) || nameOnly.startsWith(purl.endsWith("/") ? purl : purl + "/");
    }

    private static int indexOfAny(String s, char a, char b) {
      int i = s.indexOf(a);
      int j = s.indexOf(b);
      return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
  }
}
