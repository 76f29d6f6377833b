package dev.sekisho.scanner.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.version.VersionScheme;
import dev.sekisho.scanner.version.VersionSchemes;
import org.junit.jupiter.api.Test;

class EcosystemKeysTest {

  private static OperatingSystem os(String family, String version) {
    return new OperatingSystem(family, version, null, null);
  }

  @Test
  void distributionReleasesMapToOsvEcosystems() {
    assertThat(EcosystemKeys.osEcosystems(os("debian", "12"))).containsExactly("Debian:12");
    assertThat(EcosystemKeys.osEcosystems(os("debian", "11.9"))).containsExactly("Debian:11");
    assertThat(EcosystemKeys.osEcosystems(os("ubuntu", "22.04")))
        .containsExactly("Ubuntu:22.04:LTS", "Ubuntu:22.04");
    assertThat(EcosystemKeys.osEcosystems(os("ubuntu", "23.10"))).containsExactly("Ubuntu:23.10");
    assertThat(EcosystemKeys.osEcosystems(os("alpine", "3.20.3"))).containsExactly("Alpine:v3.20");
    assertThat(EcosystemKeys.osEcosystems(os("rhel", "9.4"))).containsExactly("Red Hat:9");
    assertThat(EcosystemKeys.osEcosystems(os("rocky", "9.3"))).containsExactly("Rocky Linux:9");
    assertThat(EcosystemKeys.osEcosystems(os("almalinux", "8.10"))).containsExactly("AlmaLinux:8");
    assertThat(EcosystemKeys.osEcosystems(os("wolfi", "20230201"))).containsExactly("Wolfi");
    assertThat(EcosystemKeys.osEcosystems(os("sles", "15.5")))
        .containsExactly("SUSE:Linux Enterprise Server 15 SP5");
    assertThat(EcosystemKeys.osEcosystems(os("debian", null))).isEmpty();
    assertThat(EcosystemKeys.osEcosystems(os("plan9", "4"))).isEmpty();
    assertThat(EcosystemKeys.osEcosystems(null)).isEmpty();
  }

  @Test
  void advisoryEcosystemsAndNamesAreKeyedLikePackages() {
    assertThat(EcosystemKeys.ecosystemKey("Red Hat:enterprise_linux:9::appstream"))
        .isEqualTo("Red Hat:9");
    assertThat(EcosystemKeys.ecosystemKey("Ubuntu:22.04:LTS")).isEqualTo("Ubuntu:22.04:LTS");
    assertThat(EcosystemKeys.nameKey("PyPI", "Django_REST..Framework"))
        .isEqualTo("django-rest-framework");
    assertThat(EcosystemKeys.nameKey("NuGet", "Newtonsoft.Json")).isEqualTo("newtonsoft.json");
    assertThat(EcosystemKeys.nameKey("npm", "@Scope/Pkg")).isEqualTo("@Scope/Pkg");
    assertThat(EcosystemKeys.nameKey("Maven", "org.Example:Art")).isEqualTo("org.Example:Art");
  }

  @Test
  void everyEcosystemHasItsScheme() {
    assertThat(VersionSchemes.forEcosystem("Debian:12").map(VersionScheme::name)).contains("dpkg");
    assertThat(VersionSchemes.forEcosystem("Ubuntu:Pro:22.04:LTS").map(VersionScheme::name))
        .contains("dpkg");
    assertThat(VersionSchemes.forEcosystem("Alpine:v3.20").map(VersionScheme::name))
        .contains("apk");
    assertThat(VersionSchemes.forEcosystem("Red Hat:9").map(VersionScheme::name)).contains("rpm");
    assertThat(VersionSchemes.forEcosystem("PyPI").map(VersionScheme::name)).contains("pep440");
    assertThat(VersionSchemes.forEcosystem("Packagist").map(VersionScheme::name))
        .contains("composer");
    assertThat(VersionSchemes.forEcosystem("GIT")).isEmpty();
    for (String eco : SourcesConfig.DEFAULT_ECOSYSTEMS) {
      assertThat(VersionSchemes.forEcosystem(eco)).as(eco).isPresent();
    }
  }
}
