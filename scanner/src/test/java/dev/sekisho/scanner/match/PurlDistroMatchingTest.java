package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.sbom.SbomReader;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SBOMs without an operating-system component: each OS package is matched under the distribution
 * release its purl's {@code distro} qualifier and namespace name, in CycloneDX and SPDX alike, and
 * an SBOM may mix releases. Packages whose distribution cannot be known are named in one warning.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PurlDistroMatchingTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static final String DEB_OPENSSL =
      "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12";
  private static final String DEB_CURL_CODENAME =
      "pkg:deb/debian/curl@7.88.1-10+deb12u7?arch=amd64&distro=bookworm";
  private static final String APK_ZLIB =
      "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.20.3";
  private static final String APK_BUSYBOX = "pkg:apk/alpine/busybox@1.36.1-r28?distro=3.20";
  private static final String RPM_OPENSSL =
      "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&distro=rhel-9.4";
  private static final String DEB_NO_DISTRO = "pkg:deb/debian/bash@5.2.15-2+b7?arch=amd64";
  private static final String RPM_NO_DISTRO = "pkg:rpm/redhat/glibc@2.34-100.el9?arch=x86_64";

  @TempDir Path dir;
  private VulnDatabase db;

  @BeforeEach
  void database() throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("DEBIAN-CVE-2099-0001")
                    .aliases("CVE-2099-0001")
                    .affected("Debian:12", "openssl", List.of("i:0", "f:3.0.15-1~deb12u2"), null),
                rec("DEBIAN-CVE-2099-0002")
                    .aliases("CVE-2099-0002")
                    .affected("Debian:12", "curl", List.of("i:0", "f:7.88.1-10+deb12u8"), null),
                rec("DEBIAN-CVE-2099-0009")
                    .aliases("CVE-2099-0009")
                    .affected("Debian:11", "openssl", List.of("i:0", "f:9.9"), null),
                rec("ALPINE-CVE-2099-0003")
                    .aliases("CVE-2099-0003")
                    .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r1"), null),
                rec("ALPINE-CVE-2099-0004")
                    .aliases("CVE-2099-0004")
                    .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r29"), null),
                rec("RHSA-2099:0005")
                    .aliases("CVE-2099-0005")
                    .affected(
                        "Red Hat:enterprise_linux:9::baseos",
                        "openssl-libs",
                        List.of("i:0", "f:1:3.0.7-28.el9"),
                        null)),
            Map.of()));
    Path dbDir = dir.resolve("db");
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), dbDir, line -> {});
    db = VulnDatabase.open(dbDir);
  }

  @org.junit.jupiter.api.AfterEach
  void close() throws Exception {
    db.close();
  }

  private ScanReport scan(String name, String json) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    Inventory inv = SbomReader.read(f);
    return ScanPipeline.scan(
            new ScanInput(
                new ScanInput.Received(inv),
                MatchingDatabase.of(db),
                null,
                null,
                Clock.fixed(NOW, ZoneOffset.UTC),
                null))
        .report();
  }

  private static String cyclonedx(String osComponent, String... purls) {
    StringBuilder s =
        new StringBuilder(
            "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[");
    boolean first = true;
    if (osComponent != null) {
      s.append(osComponent);
      first = false;
    }
    for (String purl : purls) {
      String name = purl.substring(purl.lastIndexOf('/') + 1, purl.indexOf('@'));
      String version = purl.substring(purl.indexOf('@') + 1, purl.indexOf('?'));
      s.append(first ? "" : ",")
          .append("{\"type\":\"library\",\"name\":\"")
          .append(name)
          .append("\",\"version\":\"")
          .append(version)
          .append("\",\"purl\":\"")
          .append(purl)
          .append("\"}");
      first = false;
    }
    return s.append("]}").toString();
  }

  private static String spdx(String... purls) {
    StringBuilder s =
        new StringBuilder(
            "{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\","
                + "\"name\":\"x\",\"documentNamespace\":\"https://example.invalid/x\","
                + "\"creationInfo\":{\"created\":\"2026-12-01T00:00:00Z\",\"creators\":[\"Tool: t\"]},"
                + "\"packages\":[");
    int i = 0;
    for (String purl : purls) {
      String name = purl.substring(purl.lastIndexOf('/') + 1, purl.indexOf('@'));
      String version = purl.substring(purl.indexOf('@') + 1, purl.indexOf('?'));
      s.append(i == 0 ? "" : ",")
          .append("{\"SPDXID\":\"SPDXRef-Package-")
          .append(i++)
          .append("\",\"name\":\"")
          .append(name)
          .append("\",\"versionInfo\":\"")
          .append(version)
          .append("\",\"downloadLocation\":\"NOASSERTION\",\"externalRefs\":[{")
          .append("\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\",")
          .append("\"referenceLocator\":\"")
          .append(purl)
          .append("\"}]}");
    }
    return s.append("]}").toString();
  }

  private static List<String> findings(ScanReport r) {
    return r.vulnerabilities().stream()
        .map(v -> v.pkg().name() + " " + v.id() + " " + v.fixedVersions())
        .sorted()
        .toList();
  }

  private static String os(String name, String version) {
    return "{\"type\":\"operating-system\",\"name\":\""
        + name
        + "\",\"version\":\""
        + version
        + "\"}";
  }

  @Test
  void debianPackagesWithoutOsComponentMatchAsWithIt() throws Exception {
    ScanReport withOs =
        scan("with-os.json", cyclonedx(os("debian", "12"), DEB_OPENSSL, DEB_CURL_CODENAME));
    ScanReport fromPurls = scan("no-os.json", cyclonedx(null, DEB_OPENSSL, DEB_CURL_CODENAME));
    ScanReport spdx = scan("no-os.spdx.json", spdx(DEB_OPENSSL, DEB_CURL_CODENAME));

    assertThat(findings(withOs))
        .containsExactly(
            "curl CVE-2099-0002 [7.88.1-10+deb12u8]", "openssl CVE-2099-0001 [3.0.15-1~deb12u2]");
    assertThat(findings(fromPurls)).isEqualTo(findings(withOs));
    assertThat(findings(spdx)).isEqualTo(findings(withOs));
    assertThat(fromPurls.warnings()).isEmpty();
    assertThat(spdx.warnings()).isEmpty();
  }

  @Test
  void alpineAndRedHatPackagesWithoutOsComponentMatchAsWithIt() throws Exception {
    assertThat(findings(scan("apk-no-os.json", cyclonedx(null, APK_ZLIB, APK_BUSYBOX))))
        .isEqualTo(
            findings(scan("apk-os.json", cyclonedx(os("alpine", "3.20.3"), APK_ZLIB, APK_BUSYBOX))))
        .containsExactly("busybox CVE-2099-0004 [1.36.1-r29]", "zlib CVE-2099-0003 [1.3.1-r1]");
    assertThat(findings(scan("rpm-no-os.spdx.json", spdx(RPM_OPENSSL))))
        .isEqualTo(findings(scan("rpm-os.json", cyclonedx(os("rhel", "9.4"), RPM_OPENSSL))))
        .containsExactly("openssl-libs CVE-2099-0005 [1:3.0.7-28.el9]");
  }

  @Test
  void oneSbomMayMixDistributions() throws Exception {
    ScanReport mixed =
        scan("mixed.json", cyclonedx(null, DEB_OPENSSL, APK_ZLIB, RPM_OPENSSL, DEB_CURL_CODENAME));
    assertThat(findings(mixed))
        .containsExactly(
            "curl CVE-2099-0002 [7.88.1-10+deb12u8]",
            "openssl CVE-2099-0001 [3.0.15-1~deb12u2]",
            "openssl-libs CVE-2099-0005 [1:3.0.7-28.el9]",
            "zlib CVE-2099-0003 [1.3.1-r1]");
    assertThat(mixed.warnings()).isEmpty();
  }

  @Test
  void packagesWhoseDistributionIsUnknownAreNamedInOneWarning() throws Exception {
    for (ScanReport r :
        List.of(
            scan("unknown.json", cyclonedx(null, DEB_OPENSSL, DEB_NO_DISTRO, RPM_NO_DISTRO)),
            scan("unknown.spdx.json", spdx(DEB_OPENSSL, DEB_NO_DISTRO, RPM_NO_DISTRO)))) {
      assertThat(r.vulnerabilities())
          .extracting(Vulnerability::id)
          .containsExactly("CVE-2099-0001");
      assertThat(r.warnings())
          .extracting(ScanWarning::message)
          .containsExactly(
              "the operating system is unknown (no os-release file or operating-system component"
                  + " was read, and the purl names no release): 2 OS packages are"
                  + " not checked for vulnerabilities (deb: bash; rpm: glibc)");
    }
  }
}
