package dev.sekisho.scanner.vulndb;

import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.PackageType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How OSV ecosystems and package names are keyed in the database, applied alike to advisories when
 * the database is built and to installed packages when they are matched.
 */
public final class EcosystemKeys {

  private static final Pattern RED_HAT_MAJOR = Pattern.compile("enterprise_linux:(\\d+)");
  private static final Pattern PEP503 = Pattern.compile("[-_.]+");

  private EcosystemKeys() {}

  /**
   * The database key of an OSV ecosystem string. Most are kept as they are ({@code Debian:12},
   * {@code Ubuntu:22.04:LTS}, {@code Alpine:v3.20}, {@code npm}); Red Hat's per-stream ecosystems
   * ({@code Red Hat:enterprise_linux:9::appstream}) are keyed by major release ({@code Red Hat:9}).
   */
  public static String ecosystemKey(String osvEcosystem) {
    if (osvEcosystem.startsWith("Red Hat:")) {
      Matcher m = RED_HAT_MAJOR.matcher(osvEcosystem);
      if (m.find()) {
        return "Red Hat:" + m.group(1);
      }
    }
    return osvEcosystem;
  }

  /** The ecosystem without its release ({@code Debian:12} → {@code Debian}). */
  public static String baseEcosystem(String ecosystem) {
    int colon = ecosystem.indexOf(':');
    return colon < 0 ? ecosystem : ecosystem.substring(0, colon);
  }

  /**
   * The database key of a package name in an ecosystem: PyPI names normalised as PEP 503 says
   * (lower case, runs of {@code -_.} as one {@code -}); NuGet and Packagist names lower-cased (both
   * registries are case-insensitive); all others kept as they are (Maven {@code group:artifact},
   * npm {@code @scope/name}, Go module paths, distribution source package names).
   */
  public static String nameKey(String ecosystem, String name) {
    return switch (baseEcosystem(ecosystem)) {
      case "PyPI" -> PEP503.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-");
      case "NuGet", "Packagist" -> name.toLowerCase(Locale.ROOT);
      default -> name;
    };
  }

  /**
   * The ecosystem keys advisories for this operating system's packages are filed under, most
   * specific first; empty when the distribution has no OSV data Sekisho knows of.
   */
  public static List<String> osEcosystems(OperatingSystem os) {
    if (os == null || os.family() == null) {
      return List.of();
    }
    String v = os.version() == null ? "" : os.version().strip();
    String major = v.contains(".") ? v.substring(0, v.indexOf('.')) : v;
    return switch (os.family().toLowerCase(Locale.ROOT)) {
      case "debian" -> v.isEmpty() ? List.of() : List.of("Debian:" + major);
      case "ubuntu" -> ubuntu(v);
      case "alpine" -> majorMinor(v).map(mm -> List.of("Alpine:v" + mm)).orElse(List.of());
      case "rhel", "redhat" -> major.isEmpty() ? List.of() : List.of("Red Hat:" + major);
      case "rocky" -> major.isEmpty() ? List.of() : List.of("Rocky Linux:" + major);
      case "almalinux" -> major.isEmpty() ? List.of() : List.of("AlmaLinux:" + major);
      case "wolfi" -> List.of("Wolfi");
      case "chainguard" -> List.of("Chainguard");
      case "sles", "sles_sap" -> suse("SUSE:Linux Enterprise Server ", v);
      case "opensuse-leap" -> v.isEmpty() ? List.of() : List.of("openSUSE:Leap " + v);
      case "opensuse-tumbleweed" -> List.of("openSUSE:Tumbleweed");
      default -> List.of();
    };
  }

  private static List<String> ubuntu(String v) {
    Optional<String> mm = majorMinor(v);
    if (mm.isEmpty()) {
      return List.of();
    }
    String[] p = mm.get().split("\\.");
    boolean lts = Integer.parseInt(p[0]) % 2 == 0 && p[1].equals("04");
    return lts
        ? List.of("Ubuntu:" + mm.get() + ":LTS", "Ubuntu:" + mm.get())
        : List.of("Ubuntu:" + mm.get());
  }

  private static List<String> suse(String prefix, String v) {
    Optional<String> mm = majorMinor(v);
    if (mm.isEmpty()) {
      return v.isEmpty() ? List.of() : List.of(prefix + v);
    }
    String[] p = mm.get().split("\\.");
    return List.of(prefix + p[0] + (p[1].equals("0") ? "" : " SP" + p[1]));
  }

  private static Optional<String> majorMinor(String v) {
    Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(v);
    return m.find() ? Optional.of(m.group(1) + "." + m.group(2)) : Optional.empty();
  }

  /** The OSV ecosystem for a language package type, or null for OS packages. */
  public static String languageEcosystem(PackageType type) {
    return type.osvEcosystem();
  }
}
