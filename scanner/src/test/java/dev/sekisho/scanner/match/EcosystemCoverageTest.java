package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages of an ecosystem the database holds no advisory for are matched against nothing: the
 * report says so, per ecosystem, with the number of packages, instead of passing silently.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EcosystemCoverageTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir Path dir;

  private static Package pkg(PackageType type, String name, String version) {
    return new Package(
        type, name, version, null, null, List.of(), null, new Location(null, "/x"), null);
  }

  /** A database with Alpine 3.20 and npm advisories only. */
  private VulnDatabase build() throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("ALPINE-CVE-2099-1")
                    .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r0"), null),
                rec("GHSA-npm-0001").affected("npm", "left-pad", List.of("i:0", "f:1.3.0"), null)),
            Map.of()));
    Path db = dir.resolve("db");
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), db, line -> {});
    return VulnDatabase.open(db);
  }

  private static List<String> warnings(ScanReport report) {
    return report.warnings().stream().map(ScanWarning::message).toList();
  }

  private static ScanReport scan(VulnDatabase db, OperatingSystem os, List<Package> packages)
      throws Exception {
    return ScanPipeline.scan(
            new ScanInput(
                new ScanInput.Received(new Inventory(null, os, packages, List.of(), List.of())),
                MatchingDatabase.of(db),
                null,
                null,
                Clock.fixed(NOW, ZoneOffset.UTC),
                null))
        .report();
  }

  @Test
  void aReleaseTheDatabaseDoesNotCoverIsNamedWithItsPackageCount() throws Exception {
    try (VulnDatabase db = build()) {
      ScanReport report =
          scan(
              db,
              new OperatingSystem("alpine", "3.99.1", null, null),
              List.of(
                  pkg(PackageType.APK, "zlib", "1.2.0-r0"),
                  pkg(PackageType.APK, "musl", "1.2.5-r0"),
                  pkg(PackageType.NPM, "left-pad", "1.0.0")));

      assertThat(warnings(report))
          .containsExactly(
              "the vulnerability database has no advisories for Alpine:v3.99 (the image's"
                  + " operating system, alpine 3.99.1): 2 apk packages are not checked for"
                  + " vulnerabilities");
      assertThat(report.vulnerabilities())
          .extracting(v -> v.pkg().name())
          .containsExactly("left-pad");
    }
  }

  @Test
  void aLanguageEcosystemMissingFromTheDatabaseIsNamed() throws Exception {
    try (VulnDatabase db = build()) {
      ScanReport report =
          scan(
              db,
              new OperatingSystem("alpine", "3.20.3", null, null),
              List.of(
                  pkg(PackageType.APK, "zlib", "1.2.0-r0"),
                  pkg(PackageType.PYPI, "django", "4.2.0"),
                  pkg(PackageType.NPM, "left-pad", "1.0.0")));

      assertThat(warnings(report))
          .containsExactly(
              "the vulnerability database has no advisories for ecosystem PyPI: 1 pypi package is"
                  + " not checked for vulnerabilities");
    }
  }

  @Test
  void osPackagesOfAnUnknownOrUnsupportedSystemAreNamed() throws Exception {
    try (VulnDatabase db = build()) {
      assertThat(warnings(scan(db, null, List.of(pkg(PackageType.DEB, "bash", "5.2-1")))))
          .containsExactly(
              "the operating system is unknown (no os-release file or operating-system component"
                  + " was read, and the purl names no release): 1 OS package is"
                  + " not checked for vulnerabilities (deb: bash)");
      assertThat(
              warnings(
                  scan(
                      db,
                      new OperatingSystem("plan9", "4", null, null),
                      List.of(
                          pkg(PackageType.RPM, "bash", "5.2-1"),
                          pkg(PackageType.RPM, "glibc", "2.39-1")))))
          .containsExactly(
              "the operating system plan9 4 is not a distribution release Sekisho has advisories"
                  + " for: 2 rpm packages are not checked for vulnerabilities");
    }
  }

  @Test
  void aCoveredImageHasNoWarning() throws Exception {
    try (VulnDatabase db = build()) {
      ScanReport report =
          scan(
              db,
              new OperatingSystem("alpine", "3.20.3", null, null),
              List.of(pkg(PackageType.APK, "zlib", "1.2.0-r0"), pkg(PackageType.NPM, "x", "1")));

      assertThat(report.warnings()).isEmpty();
      assertThat(report.vulnerabilities())
          .extracting(v -> v.id())
          .containsExactly("ALPINE-CVE-2099-1");
    }
  }
}
