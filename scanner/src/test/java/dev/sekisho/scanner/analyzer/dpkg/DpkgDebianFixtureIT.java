package dev.sekisho.scanner.analyzer.dpkg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.os.OsReleaseAnalyzer;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.testkit.fixtures.DebianFixture;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * On the Debian 12 root file system that debootstrap builds for the fixture image, the dpkg
 * analyzer finds exactly what {@code dpkg-query --admindir=ROOTFS/var/lib/dpkg -W} lists as
 * installed: same names, versions and sources, none missing, none extra.
 */
class DpkgDebianFixtureIT {

  @Test
  void inventoryEqualsDpkgQueryOnTheDebootstrapRootfs() throws Exception {
    FixtureBuild fixture = Fixtures.fromEnvironment().get(FixtureImage.DEBIAN);
    Path rootfs = fixture.rootfs().orElseThrow();

    AnalysisResult result =
        FixtureInput.of("var/lib/dpkg/status", rootfs.resolve("var/lib/dpkg/status"))
            .analyzeWith(new DpkgAnalyzer());

    assertThat(result.warnings()).isEmpty();
    Set<String> found =
        result.packages().stream()
            .map(
                p ->
                    p.name()
                        + " "
                        + p.version()
                        + " "
                        + p.sourceNameOrName()
                        + " "
                        + p.sourceVersionOrVersion())
            .collect(Collectors.toSet());
    Set<String> expected =
        DebianFixture.installedPackages(rootfs).stream()
            .map(p -> p.name() + " " + p.version() + " " + p.sourceName() + " " + p.sourceVersion())
            .collect(Collectors.toSet());
    assertThat(found).hasSize(result.packages().size()).isEqualTo(expected);

    OperatingSystem os =
        FixtureInput.of("etc/os-release", rootfs.resolve("etc/os-release"))
            .analyzeWith(new OsReleaseAnalyzer())
            .os();
    assertThat(os.family()).isEqualTo("debian");
    assertThat(os.version()).isEqualTo("12");
  }
}
