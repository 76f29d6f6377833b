package dev.sekisho.scanner.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.vulndb.EcosystemKeys;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The distribution release a purl names, as the OSV ecosystem keys its advisories. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PurlDistributionTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12 | Debian:12",
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=debian-12.7 | Debian:12",
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=bookworm | Debian:12",
        "pkg:deb/debian/openssl@1.1.1w-0+deb11u1?distro=debian-bullseye | Debian:11",
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=12 | Debian:12",
        "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.18?distro=ubuntu-22.04 | Ubuntu:22.04:LTS",
        "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.18?distro=jammy | Ubuntu:22.04:LTS",
        "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.20.3 | Alpine:v3.20",
        "pkg:apk/alpine/zlib@1.3.1-r0?distro=3.20 | Alpine:v3.20",
        "pkg:apk/alpine/zlib@1.3.1-r0?distro=v3.20 | Alpine:v3.20",
        "pkg:rpm/redhat/openssl@3.0.7-27.el9?distro=rhel-9 | Red Hat:9",
        "pkg:rpm/redhat/openssl@3.0.7-27.el9?distro=rhel-9.4 | Red Hat:9",
        "pkg:rpm/redhat/openssl@3.0.7-27.el9?distro=el9 | Red Hat:9",
        "pkg:rpm/rocky/openssl@3.0.7-27.el9?distro=rocky-9.3 | Rocky Linux:9",
        "pkg:rpm/almalinux/openssl@3.0.7-27.el9?distro=almalinux-9.4 | AlmaLinux:9",
        "pkg:rpm/opensuse/openssl@3.1.4?distro=opensuse-leap-15.5 | openSUSE:Leap 15.5",
        "pkg:apk/wolfi/openssl@3.3.2-r0 | Wolfi",
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1 | -",
        "pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=debian | -",
        "pkg:apk/alpine/zlib@1.3.1-r0 | -",
        "pkg:rpm/redhat/openssl@3.0.7-27.el9?distro=jammy | -",
        "pkg:rpm/amazon/openssl@3.0.8-1.amzn2023?distro=amzn-2023 | -",
        "not a purl | -",
      })
  void distroQualifierAndNamespaceNameTheRelease(String purl, String ecosystem) {
    OperatingSystem os = PurlDistribution.of(purl);
    List<String> ecosystems = EcosystemKeys.osEcosystems(os);
    if (ecosystem == null) {
      assertThat(ecosystems).isEmpty();
    } else {
      assertThat(ecosystems).first().isEqualTo(ecosystem);
    }
  }
}
