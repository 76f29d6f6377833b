package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.model.FixState;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Language ecosystems, Alpine by origin, aliases and enrichment, through a real built database. */
class LanguageMatchingTest {

  @TempDir Path dir;

  private static Package pkg(PackageType type, String name, String version) {
    return new Package(
        type, name, version, null, null, List.of(), null, new Location(null, "/app"), null);
  }

  private VulnDatabase build() throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("PYSEC-2099-1")
                    .aliases("CVE-2099-7001", "GHSA-pypi-0001")
                    .affected("PyPI", "django-rest-framework", List.of("i:0", "f:3.15.2"), null),
                rec("GHSA-pypi-0001")
                    .aliases("CVE-2099-7001")
                    .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
                    .affected("PyPI", "Django_Rest.Framework", List.of("i:3.0", "f:3.15.2"), null),
                rec("GHSA-mvn-0001")
                    .aliases("CVE-2021-44228")
                    .affected(
                        "Maven",
                        "org.apache.logging.log4j:log4j-core",
                        List.of("i:2.0-beta9", "f:2.15.0"),
                        null),
                rec("GHSA-npm-0001")
                    .put("database_specific", Map.of("severity", "MODERATE"))
                    .affected("npm", "@babel/traverse", List.of("i:0", "f:7.23.2"), null),
                rec("GO-2099-0001")
                    .aliases("CVE-2099-7004")
                    .affected("Go", "stdlib", List.of("i:1.22.0", "f:1.22.5"), null),
                rec("GO-2099-0002")
                    .cvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N")
                    .affected("Go", "golang.org/x/net", List.of("i:0", "f:0.23.0"), null),
                rec("ALPINE-CVE-2099-7005")
                    .upstream("CVE-2099-7005")
                    .affected("Alpine:v3.20", "openssl", List.of("i:0", "f:3.3.2-r0"), null)),
            Map.of()));
    Path nvd = dir.resolve("nvd.json");
    Files.writeString(
        nvd,
        "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-7004\",\"metrics\":{\"cvssMetricV31\":"
            + "[{\"type\":\"Primary\",\"cvssData\":{\"vectorString\":"
            + "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\",\"baseScore\":7.5}}]}}}]}");
    Path kev = dir.resolve("kev.json");
    Files.writeString(kev, "{\"vulnerabilities\":[{\"cveID\":\"CVE-2021-44228\"}]}");
    Path db = dir.resolve("db");
    new DatabaseUpdater()
        .update(
            dev.sekisho.scanner.vulndb.SourcesConfig.local(List.of(zip))
                .withKev(kev.toString())
                .withCvss(List.of(nvd.toString())),
            db,
            line -> {});
    return VulnDatabase.open(db);
  }

  @Test
  void languagePackagesMatchByEcosystemAndNormalisedName() throws Exception {
    try (VulnDatabase db = build()) {
      List<Vulnerability> found =
          new VulnerabilityMatcher(db)
              .match(
                  null,
                  List.of(
                      pkg(PackageType.PYPI, "Django-REST-framework", "3.14.0"),
                      pkg(PackageType.PYPI, "django-rest-framework", "3.15.2"),
                      pkg(PackageType.MAVEN, "org.apache.logging.log4j:log4j-core", "2.14.1"),
                      pkg(PackageType.MAVEN, "org.apache.logging.log4j:log4j-api", "2.14.1"),
                      pkg(PackageType.NPM, "@babel/traverse", "7.22.0"),
                      pkg(PackageType.GOLANG, "stdlib", "go1.22.3"),
                      pkg(PackageType.GOLANG, "golang.org/x/net", "v0.22.0"),
                      pkg(PackageType.GOLANG, "golang.org/x/net/http2", "v0.22.0"),
                      pkg(PackageType.APK, "openssl", "3.3.1-r0")));
      assertThat(found)
          .extracting(v -> v.pkg().name() + "@" + v.pkg().version() + " " + v.id())
          .containsExactly(
              "Django-REST-framework@3.14.0 CVE-2099-7001",
              "org.apache.logging.log4j:log4j-core@2.14.1 CVE-2021-44228",
              "@babel/traverse@7.22.0 GHSA-npm-0001",
              "stdlib@go1.22.3 CVE-2099-7004",
              "golang.org/x/net@v0.22.0 GO-2099-0002");

      Vulnerability drf = found.get(0);
      assertThat(drf.aliases()).containsExactly("GHSA-pypi-0001", "PYSEC-2099-1");
      assertThat(drf.cvssScore()).isEqualTo(6.1);
      assertThat(drf.severity()).isEqualTo(Severity.Medium);
      assertThat(drf.fixedVersions()).containsExactly("3.15.2");

      Vulnerability log4shell = found.get(1);
      assertThat(log4shell.knownExploited()).isTrue();
      assertThat(log4shell.severity()).as("no rating anywhere").isEqualTo(Severity.Unknown);

      assertThat(found.get(2).severity()).as("database word").isEqualTo(Severity.Medium);

      Vulnerability stdlib = found.get(3);
      assertThat(stdlib.cvssScore()).as("from the NVD enrichment feed").isEqualTo(7.5);
      assertThat(stdlib.severity()).isEqualTo(Severity.High);
      assertThat(stdlib.fixState()).isEqualTo(FixState.FIXED);

      Vulnerability xnet = found.get(4);
      assertThat(xnet.cvssVector()).startsWith("CVSS:4.0/");
      assertThat(xnet.cvssScore()).as("CVSS v4.0 score").isEqualTo(8.7);
      assertThat(xnet.severity()).as("from the v4.0 score").isEqualTo(Severity.High);
    }
  }

  @Test
  void alpinePackagesMatchByReleaseAndOrigin() throws Exception {
    Package sslLibs =
        new Package(
            PackageType.APK,
            "libssl3",
            "3.3.1-r0",
            "openssl",
            null,
            List.of(),
            null,
            new Location(null, "/lib/apk/db/installed"),
            null);
    try (VulnDatabase db = build()) {
      VulnerabilityMatcher m = new VulnerabilityMatcher(db);
      assertThat(m.match(new OperatingSystem("alpine", "3.20.3", null, null), List.of(sslLibs)))
          .extracting(Vulnerability::id, v -> v.fixedVersions())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("CVE-2099-7005", List.of("3.3.2-r0")));
      assertThat(m.match(new OperatingSystem("alpine", "3.19.1", null, null), List.of(sslLibs)))
          .isEmpty();
    }
  }
}
