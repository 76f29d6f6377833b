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
 * @param platforms for Go, the platforms of the entry's {@code ecosystem_specific.imports}, one per
 *     import; empty when the entry applies on every platform (no import, or an import without
 *     {@code goos} and {@code goarch})
 * @param imports for Go, the entry's {@code ecosystem_specific.imports} (package path, vulnerable
 *     symbols, platforms), for reachability; empty when the advisory lists none
 */
public record AffectedEntry(
    long advisoryKey,
    String ecosystem,
    String name,
    List<OsvRecord.Range> ranges,
    List<String> versions,
    Severity distroSeverity,
    boolean wontFix,
    List<Platform> platforms,
    List<GoImport> imports) {

  public AffectedEntry {
    ranges = List.copyOf(ranges);
    versions = List.copyOf(versions);
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    imports = imports == null ? List.of() : List.copyOf(imports);
  }

  /** An entry without Go imports. */
  public AffectedEntry(
      long advisoryKey,
      String ecosystem,
      String name,
      List<OsvRecord.Range> ranges,
      List<String> versions,
      Severity distroSeverity,
      boolean wontFix,
      List<Platform> platforms) {
    this(
        advisoryKey,
        ecosystem,
        name,
        ranges,
        versions,
        distroSeverity,
        wontFix,
        platforms,
        List.of());
  }

  /** An entry that applies on every platform. */
  public AffectedEntry(
      long advisoryKey,
      String ecosystem,
      String name,
      List<OsvRecord.Range> ranges,
      List<String> versions,
      Severity distroSeverity,
      boolean wontFix) {
    this(
        advisoryKey,
        ecosystem,
        name,
        ranges,
        versions,
        distroSeverity,
        wontFix,
        List.of(),
        List.of());
  }

  /**
   * The operating systems and architectures one Go import of an advisory is limited to.
   *
   * @param goos GOOS values ({@code windows}), empty for any
   * @param goarch GOARCH values ({@code amd64}), empty for any
   */
  public record Platform(List<String> goos, List<String> goarch) {
    public Platform {
      goos = goos == null ? List.of() : List.copyOf(goos);
      goarch = goarch == null ? List.of() : List.copyOf(goarch);
    }

    /** True when this import applies on {@code os}/{@code arch}; an unknown (null) one matches. */
    public boolean includes(String os, String arch) {
      return component(os, goos) && component(arch, goarch);
    }

    private static boolean component(String value, List<String> allowed) {
      return allowed.isEmpty() || value == null || value.isEmpty() || allowed.contains(value);
    }
  }

  /**
   * One vulnerable Go package of an advisory ({@code ecosystem_specific.imports[]}).
   *
   * @param path the package's import path ({@code golang.org/x/text/language}, {@code net/http})
   * @param symbols the vulnerable functions and methods ({@code Parse}, {@code Tag.String}); empty
   *     when every symbol of the package is vulnerable
   * @param platform the platforms the import is limited to
   */
  public record GoImport(String path, List<String> symbols, Platform platform) {
    public GoImport {
      symbols = symbols == null ? List.of() : List.copyOf(symbols);
      platform = platform == null ? new Platform(List.of(), List.of()) : platform;
    }
  }

  /**
   * True when the entry applies to a binary built for {@code goos}/{@code goarch}, as govulncheck's
   * module scan decides: when it lists no platform, or one of its imports includes the binary's. An
   * unknown GOOS or GOARCH (null) matches every platform.
   */
  public boolean appliesTo(String goos, String goarch) {
    if (platforms.isEmpty()) {
      return true;
    }
    for (Platform p : platforms) {
      if (p.includes(goos, goarch)) {
        return true;
      }
    }
    return false;
  }
}
