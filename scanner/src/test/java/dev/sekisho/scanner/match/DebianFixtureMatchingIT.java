package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.scan.ImageScan;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import dev.sekisho.testkit.fixtures.DebianFixture;
import dev.sekisho.testkit.fixtures.DebianFixture.DpkgPackage;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a scan of the testkit's Debian 12 fixture image (debootstrap minbase) against an OSV
 * archive generated from that image's own dpkg database finds exactly the planted affected
 * packages, by binary name and by source package, and none of the not-affected ones.
 *
 * <p>The packages are picked from {@code dpkg-query} on the fixture's root file system (not from
 * the scanner's inventory), so the expected set does not depend on the code under test. The archive
 * is served from 127.0.0.1 and imported with the real loader; the image is read from its OCI layout
 * by the real image scan.
 */
// the first run builds the Debian fixture (debootstrap: 209 s on an idle machine)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class DebianFixtureMatchingIT {

  @TempDir static Path dir;

  private static List<DpkgPackage> installed;
  private static ScanReport report;
  private static Set<String> expected;
  private static Picks picks;

  /** The packages each planted advisory is about. */
  private record Picks(
      DpkgPackage byBinary,
      String bySource,
      String fixedBefore,
      String notAffected,
      String noFixYet,
      String wontFix,
      String otherRelease,
      String otherEcosystem) {}

  @BeforeAll
  static void scan() throws Exception {
    FixtureBuild fixture = Fixtures.fromEnvironment().get(FixtureImage.DEBIAN);
    installed =
        DebianFixture.installedPackages(fixture.rootfs().orElseThrow()).stream()
            .sorted(Comparator.comparing(DpkgPackage::name))
            .toList();
    picks = pick(installed);

    Path db = dir.resolve("db");
    try (OsvFixtures.FileServer server = new OsvFixtures.FileServer()) {
      server.put("/Debian/all.zip", OsvFixtures.zip(advisories(picks), Map.of()));
      server.put("/npm/all.zip", OsvFixtures.zip(npmAdvisories(picks), Map.of()));
      new DatabaseUpdater()
          .update(
              new SourcesConfig(
                  server.base(), List.of("Debian", "npm"), List.of(), null, List.of(), null),
              db,
              line -> {});
    }
    Inventory inventory =
        ImageScan.inventory(
            Target.parse(fixture.ociReference()),
            InspectOptions.defaults().withCacheDir(dir.resolve("layer-cache")));
    try (VulnDatabase vulndb = VulnDatabase.open(db)) {
      report =
          ScanPipeline.scan(
                  new ScanInput(
                      new ScanInput.Received(inventory),
                      MatchingDatabase.of(vulndb),
                      null,
                      null,
                      Clock.systemUTC(),
                      null))
              .report();
    }

    expected = new TreeSet<>();
    expected.add(picks.byBinary().name() + " CVE-2099-1001");
    for (String[] planted :
        new String[][] {
          {picks.bySource(), "CVE-2099-1002"},
          {picks.noFixYet(), "CVE-2099-1005"},
          {picks.wontFix(), "CVE-2099-1006"}
        }) {
      for (DpkgPackage p : binariesOf(planted[0])) {
        expected.add(p.name() + " " + planted[1]);
      }
    }
  }

  /**
   * Picks distinct source packages for each planted case, deterministically (by name) from what is
   * installed, so that the test follows the fixture when Debian's minbase changes.
   */
  private static Picks pick(List<DpkgPackage> installed) {
    Set<String> sources =
        installed.stream().map(DpkgPackage::sourceName).collect(Collectors.toSet());
    Set<String> used = new HashSet<>();
    // a binary whose name differs from its source and is no source name itself: a binary-keyed
    // advisory reaches it alone
    DpkgPackage byBinary =
        installed.stream()
            .filter(p -> !p.name().equals(p.sourceName()) && !sources.contains(p.name()))
            .findFirst()
            .orElseThrow();
    used.add(byBinary.sourceName());
    // a source with several binaries, at least one named differently
    String bySource =
        pickSource(
            used,
            s ->
                binariesOf(s).size() >= 2
                    && binariesOf(s).stream().anyMatch(p -> !p.name().equals(s)));
    Predicate<String> oneSourceVersion =
        s -> binariesOf(s).stream().map(DpkgPackage::sourceVersion).distinct().count() == 1;
    String fixedBefore = pickSource(used, oneSourceVersion);
    String notAffected = pickSource(used, s -> true);
    String noFixYet = pickSource(used, s -> true);
    String wontFix = pickSource(used, s -> true);
    String otherRelease = pickSource(used, s -> true);
    String otherEcosystem = pickSource(used, s -> true);
    return new Picks(
        byBinary,
        bySource,
        fixedBefore,
        notAffected,
        noFixYet,
        wontFix,
        otherRelease,
        otherEcosystem);
  }

  private static String pickSource(Set<String> used, Predicate<String> fits) {
    String s =
        installed.stream()
            .map(DpkgPackage::sourceName)
            .distinct()
            .sorted()
            .filter(x -> !used.contains(x) && fits.test(x))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the fixture has too few packages to pick from"));
    used.add(s);
    return s;
  }

  private static List<DpkgPackage> binariesOf(String source) {
    return installed.stream().filter(p -> p.sourceName().equals(source)).toList();
  }

  private static String sourceVersion(String source) {
    return binariesOf(source).get(0).sourceVersion();
  }

  private static List<OsvFixtures.Rec> advisories(Picks p) {
    List<OsvFixtures.Rec> out = new ArrayList<>();
    // affected, keyed by binary name: fixed above the installed binary version; the distro's
    // urgency wins over the record's CVSS score
    out.add(
        rec("DEBIAN-CVE-2099-1001")
            .upstream("CVE-2099-1001")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected(
                "Debian:12",
                p.byBinary().name(),
                List.of("i:0", "f:" + p.byBinary().version() + "+sekisho1"),
                null,
                Map.of("urgency", "low")));
    // affected, keyed by source package: every binary built from it
    out.add(
        rec("DEBIAN-CVE-2099-1002")
            .upstream("CVE-2099-1002")
            .affected(
                "Debian:12",
                p.bySource(),
                List.of("i:0", "f:" + sourceVersion(p.bySource()) + "+sekisho1"),
                null,
                Map.of("urgency", "high")));
    // not affected: fixed just before the installed source version ("X~" sorts before "X")
    out.add(
        rec("DEBIAN-CVE-2099-1003")
            .upstream("CVE-2099-1003")
            .affected(
                "Debian:12",
                p.fixedBefore(),
                List.of("i:0", "f:" + sourceVersion(p.fixedBefore()) + "~"),
                null,
                Map.of("urgency", "high")));
    // not affected: the security tracker's "not-affected" state, a fix at version 0
    out.add(
        rec("DEBIAN-CVE-2099-1004")
            .upstream("CVE-2099-1004")
            .affected("Debian:12", p.notAffected(), List.of("i:0", "f:0"), null));
    // affected, no fix yet: the severity comes from the record's CVSS v4.0 vector
    out.add(
        rec("DEBIAN-CVE-2099-1005")
            .upstream("CVE-2099-1005")
            .cvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N")
            .affected(
                "Debian:12",
                p.noFixYet(),
                List.of("i:0"),
                null,
                Map.of("urgency", "not yet assigned")));
    // affected, will not be fixed (end-of-life)
    out.add(
        rec("DEBIAN-CVE-2099-1006")
            .upstream("CVE-2099-1006")
            .affected(
                "Debian:12", p.wontFix(), List.of("i:0"), null, Map.of("urgency", "end-of-life")));
    // not affected: another Debian release
    out.add(
        rec("DEBIAN-CVE-2099-1007")
            .upstream("CVE-2099-1007")
            .affected("Debian:11", p.otherRelease(), List.of("i:0"), null));
    return out;
  }

  /** Not affected: a package of the same name in another ecosystem. */
  private static List<OsvFixtures.Rec> npmAdvisories(Picks p) {
    return List.of(rec("GHSA-2099-1008").affected("npm", p.otherEcosystem(), List.of("i:0"), null));
  }

  private static Vulnerability finding(String binary, String id) {
    return report.vulnerabilities().stream()
        .filter(v -> v.pkg().name().equals(binary) && v.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void findsExactlyThePlantedAffectedPackages() {
    assertThat(report.os().family()).isEqualTo("debian");
    assertThat(report.os().version()).isEqualTo("12");
    assertThat(report.packages()).hasSize(installed.size());
    assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
    Set<String> found =
        report.vulnerabilities().stream()
            .map(v -> v.pkg().name() + " " + v.id())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(found).isEqualTo(expected);
  }

  @Test
  void bySourceReachesEveryBinaryOfTheSource() {
    List<DpkgPackage> binaries = binariesOf(picks.bySource());
    assertThat(binaries).anyMatch(b -> !b.name().equals(picks.bySource()));
    for (DpkgPackage b : binaries) {
      Vulnerability v = finding(b.name(), "CVE-2099-1002");
      assertThat(v.aliases()).contains("DEBIAN-CVE-2099-1002");
      assertThat(v.fixState()).isEqualTo(FixState.FIXED);
      assertThat(v.fixedVersions()).containsExactly(sourceVersion(picks.bySource()) + "+sekisho1");
      assertThat(v.severity()).as("Debian urgency").isEqualTo(Severity.High);
    }
  }

  @Test
  void byBinaryNameWithTheBinaryVersion() {
    Vulnerability v = finding(picks.byBinary().name(), "CVE-2099-1001");
    assertThat(v.pkg().version()).isEqualTo(picks.byBinary().version());
    assertThat(v.fixedVersions()).containsExactly(picks.byBinary().version() + "+sekisho1");
    assertThat(v.severity()).as("the distro's rating wins over CVSS").isEqualTo(Severity.Low);
    assertThat(v.cvssScore()).isEqualTo(9.8);
  }

  @Test
  void openAndWillNotFixStatesAreRepresented() {
    for (DpkgPackage b : binariesOf(picks.noFixYet())) {
      Vulnerability v = finding(b.name(), "CVE-2099-1005");
      assertThat(v.fixState()).isEqualTo(FixState.NOT_FIXED);
      assertThat(v.fixedVersions()).isEmpty();
      assertThat(v.cvssVector()).startsWith("CVSS:4.0/");
      assertThat(v.cvssScore()).isEqualTo(8.7);
      assertThat(v.severity()).as("no distro rating: from CVSS v4.0").isEqualTo(Severity.High);
    }
    for (DpkgPackage b : binariesOf(picks.wontFix())) {
      assertThat(finding(b.name(), "CVE-2099-1006").fixState()).isEqualTo(FixState.WONT_FIX);
    }
  }

  @Test
  void notAffectedPackagesAreNotReported() {
    Set<String> ids =
        report.vulnerabilities().stream().map(Vulnerability::id).collect(Collectors.toSet());
    assertThat(ids)
        .doesNotContain("CVE-2099-1003", "CVE-2099-1004", "CVE-2099-1007", "GHSA-2099-1008")
        .containsOnly("CVE-2099-1001", "CVE-2099-1002", "CVE-2099-1005", "CVE-2099-1006");
  }
}
