package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.dpkg.DpkgAnalyzer;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the real dpkg analyzer reads a real Debian 12 dpkg status database (40 packages from
 * a Debian 12 system), the real loader fetches a generated OSV archive over HTTP, and the matcher
 * must report exactly the planted affected packages — by binary name and by source package — and
 * none of the planted not-affected ones.
 */
class DebianMatchingAcceptanceTest {

  private static final OperatingSystem BOOKWORM =
      new OperatingSystem("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)");

  @TempDir Path dir;

  private static List<OsvFixtures.Rec> advisories() {
    return List.of(
        // --- affected ---
        // by source package: util-linux (bsdutils 1:2.38.1-5+deb12u3 has source version
        // 2.38.1-5+deb12u3 without the epoch; bsdextrautils has no source version)
        rec("DEBIAN-CVE-2099-0001")
            .upstream("CVE-2099-0001")
            .affected(
                "Debian:12",
                "util-linux",
                List.of("i:0", "f:2.38.1-5+deb12u4"),
                null,
                Map.of("urgency", "medium")),
        // by source with a binNMU: bash 5.2.15-2+b8 from source bash 5.2.15-2
        rec("DEBIAN-CVE-2099-0002")
            .upstream("CVE-2099-0002")
            .affected(
                "Debian:12",
                "bash",
                List.of("i:0", "f:5.2.15-2+deb12u1"),
                null,
                Map.of("urgency", "low")),
        // by source whose version differs completely: cpp 4:12.2.0-3 from gcc-defaults 1.203
        rec("DEBIAN-CVE-2099-0003")
            .upstream("CVE-2099-0003")
            .affected("Debian:12", "gcc-defaults", List.of("i:1.200", "f:1.204"), null),
        // by binary name: apache2-utils (source apache2)
        rec("GHSA-2099-apache2-utils")
            .aliases("CVE-2099-0004")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected("Debian:12", "apache2-utils", List.of("i:0", "f:2.4.72-1~deb12u1"), null),
        // last_affected equal to the installed version (apt-transport-https is built from apt)
        rec("DEBIAN-CVE-2099-0005")
            .upstream("CVE-2099-0005")
            .affected("Debian:12", "apt", List.of("i:0", "l:2.6.1"), null),
        // listed in versions only
        rec("DEBIAN-CVE-2099-0006")
            .upstream("CVE-2099-0006")
            .affected("Debian:12", "adduser", List.of(), List.of("3.133", "3.134")),
        // one CVE in two advisories (tracker record + DSA): one finding, CVE as id
        rec("DEBIAN-CVE-2099-0007")
            .upstream("CVE-2099-0007")
            .affected(
                "Debian:12",
                "curl",
                List.of("i:0", "f:7.88.1-10+deb12u15"),
                null,
                Map.of("urgency", "high")),
        rec("DSA-9999-1")
            .upstream("CVE-2099-0007")
            .affected("Debian:12", "curl", List.of("i:0", "f:7.88.1-10+deb12u15"), null),
        // no fix yet
        rec("DEBIAN-CVE-2099-0008")
            .upstream("CVE-2099-0008")
            .affected("Debian:12", "dash", List.of("i:0"), null, Map.of("urgency", "unimportant")),
        // will not fix
        rec("DEBIAN-CVE-2099-0009")
            .upstream("CVE-2099-0009")
            .affected("Debian:12", "db5.3", List.of("i:0"), null, Map.of("urgency", "end-of-life")),
        // --- not affected ---
        // just below introduced
        rec("DEBIAN-CVE-2099-0101")
            .affected("Debian:12", "cmake", List.of("i:3.25.1-2", "f:3.25.1-3"), null),
        // equal to fixed
        rec("DEBIAN-CVE-2099-0102")
            .affected("Debian:12", "coreutils", List.of("i:0", "f:9.1-1"), null),
        // above last_affected (deb12u1 > deb11u1)
        rec("DEBIAN-CVE-2099-0103")
            .affected("Debian:12", "dbus", List.of("i:0", "l:1.14.10-1~deb11u1"), null),
        // other distribution release
        rec("DEBIAN-CVE-2099-0104")
            .affected("Debian:11", "bzip2", List.of("i:0", "f:1.0.8-6"), null),
        // other distribution
        rec("UBUNTU-CVE-2099-0105")
            .affected("Ubuntu:22.04:LTS", "base-files", List.of("i:0", "f:99"), null),
        // at or above limit
        rec("DEBIAN-CVE-2099-0106")
            .affected("Debian:12", "binutils", List.of("i:0", "m:2.40-1"), null),
        // an epoch makes the installed binary newer than the fix (binary-name advisory)
        rec("DEBIAN-CVE-2099-0107")
            .affected("Debian:12", "bsdutils", List.of("i:0", "f:2.39-1"), null),
        // listed versions without the installed one
        rec("DEBIAN-CVE-2099-0108")
            .affected("Debian:12", "adwaita-icon-theme", List.of(), List.of("43-2", "44-1")),
        // another ecosystem with a package of the same name
        rec("GHSA-2099-npm-curl").affected("npm", "curl", List.of("i:0"), null));
  }

  private VulnDatabase database() throws Exception {
    try (OsvFixtures.FileServer server = new OsvFixtures.FileServer()) {
      server.put("/Debian/all.zip", OsvFixtures.zip(advisories(), Map.of()));
      Consumer<String> quiet = line -> {};
      new DatabaseUpdater()
          .update(
              new SourcesConfig(server.base(), List.of("Debian"), List.of(), null, List.of(), null),
              dir,
              quiet);
    }
    return VulnDatabase.open(dir);
  }

  private static List<Package> bookwormPackages() throws Exception {
    return FixtureInput.resource("var/lib/dpkg/status", "/dpkg/status-subset")
        .analyzeWith(new DpkgAnalyzer())
        .packages();
  }

  @Test
  void findsExactlyThePlantedAffectedPackages() throws Exception {
    List<Package> packages = bookwormPackages();
    assertThat(packages).hasSize(40);
    List<Vulnerability> found;
    try (VulnDatabase db = database()) {
      found = new VulnerabilityMatcher(db).match(BOOKWORM, packages);
    }

    Set<String> pairs =
        found.stream()
            .map(v -> v.pkg().name() + " " + v.id())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(pairs)
        .containsExactlyInAnyOrder(
            "bsdutils CVE-2099-0001",
            "bsdextrautils CVE-2099-0001",
            "bash CVE-2099-0002",
            "cpp CVE-2099-0003",
            "apache2-utils CVE-2099-0004",
            "apt CVE-2099-0005",
            "apt-transport-https CVE-2099-0005",
            "adduser CVE-2099-0006",
            "curl CVE-2099-0007",
            "dash CVE-2099-0008",
            "db5.3-util CVE-2099-0009");

    Vulnerability bsdutils = find(found, "bsdutils", "CVE-2099-0001");
    assertThat(bsdutils.fixedVersions()).containsExactly("2.38.1-5+deb12u4");
    assertThat(bsdutils.fixState()).isEqualTo(FixState.FIXED);
    assertThat(bsdutils.severity()).as("Debian urgency").isEqualTo(Severity.Medium);
    assertThat(bsdutils.aliases()).containsExactly("DEBIAN-CVE-2099-0001");
    assertThat(bsdutils.pkg().version()).isEqualTo("1:2.38.1-5+deb12u3");
    assertThat(bsdutils.pkg().location().path()).isEqualTo("/var/lib/dpkg/status");

    Vulnerability curl = find(found, "curl", "CVE-2099-0007");
    assertThat(curl.aliases()).containsExactly("DEBIAN-CVE-2099-0007", "DSA-9999-1");
    assertThat(curl.severity()).isEqualTo(Severity.High);

    Vulnerability apache = find(found, "apache2-utils", "CVE-2099-0004");
    assertThat(apache.cvssScore()).isEqualTo(9.8);
    assertThat(apache.severity()).as("no distro rating: from CVSS").isEqualTo(Severity.Critical);
    assertThat(apache.aliases()).containsExactly("GHSA-2099-apache2-utils");

    assertThat(find(found, "dash", "CVE-2099-0008").fixState()).isEqualTo(FixState.NOT_FIXED);
    assertThat(find(found, "dash", "CVE-2099-0008").severity()).isEqualTo(Severity.Low);
    assertThat(find(found, "db5.3-util", "CVE-2099-0009").fixState()).isEqualTo(FixState.WONT_FIX);
    assertThat(find(found, "apt", "CVE-2099-0005").fixState()).isEqualTo(FixState.NOT_FIXED);
    assertThat(find(found, "cpp", "CVE-2099-0003").fixedVersions()).containsExactly("1.204");
  }

  @Test
  void notAffectedStatementsAreReportedWhenAskedFor() throws Exception {
    List<Vulnerability> found;
    try (VulnDatabase db = database()) {
      found = new VulnerabilityMatcher(db, true).match(BOOKWORM, bookwormPackages());
    }
    Set<String> notAffected =
        found.stream()
            .filter(v -> v.fixState() == FixState.NOT_AFFECTED)
            .map(v -> v.pkg().name() + " " + v.id())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(notAffected)
        .containsExactlyInAnyOrder(
            "cmake DEBIAN-CVE-2099-0101",
            "cmake-data DEBIAN-CVE-2099-0101",
            "coreutils DEBIAN-CVE-2099-0102",
            "dbus DEBIAN-CVE-2099-0103",
            "dbus-bin DEBIAN-CVE-2099-0103",
            "dbus-daemon DEBIAN-CVE-2099-0103",
            "dbus-session-bus-common DEBIAN-CVE-2099-0103",
            "binutils DEBIAN-CVE-2099-0106",
            "binutils-common DEBIAN-CVE-2099-0106",
            "binutils-x86-64-linux-gnu DEBIAN-CVE-2099-0106",
            "bsdutils DEBIAN-CVE-2099-0107",
            "adwaita-icon-theme DEBIAN-CVE-2099-0108");
    assertThat(found.stream().filter(v -> v.fixState() != FixState.NOT_AFFECTED)).hasSize(11);
  }

  @Test
  void anotherReleaseSeesOnlyItsOwnAdvisories() throws Exception {
    try (VulnDatabase db = database()) {
      List<Vulnerability> found =
          new VulnerabilityMatcher(db)
              .match(new OperatingSystem("debian", "11", "bullseye", null), bookwormPackages());
      assertThat(found)
          .extracting(v -> v.pkg().name() + " " + v.id())
          .containsExactly("bzip2 DEBIAN-CVE-2099-0104", "bzip2-doc DEBIAN-CVE-2099-0104");
    }
  }

  private static Vulnerability find(List<Vulnerability> found, String pkg, String id) {
    return found.stream()
        .filter(v -> v.pkg().name().equals(pkg) && v.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding " + id + " for " + pkg));
  }
}
