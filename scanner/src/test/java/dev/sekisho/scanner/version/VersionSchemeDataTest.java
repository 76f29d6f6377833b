package dev.sekisho.scanner.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every line of every {@code <scheme>-versions.txt} file, in both directions. */
class VersionSchemeDataTest {

  private static final Map<String, VersionScheme> FILES =
      Map.of(
          "dpkg", DpkgVersion.SCHEME,
          "rpm", RpmVersion.SCHEME,
          "apk", ApkVersion.SCHEME,
          "semver", SemVer.SCHEME,
          "go", SemVer.SCHEME,
          "pep440", Pep440Version.SCHEME,
          "maven", MavenVersion.SCHEME,
          "rubygems", RubyGemsVersion.SCHEME,
          "nuget", NuGetVersion.SCHEME,
          "composer", ComposerVersion.SCHEME);

  @TestFactory
  Stream<DynamicTest> everyDataFileLineHolds() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (var e : FILES.entrySet()) {
      VersionDataFile file = VersionDataFile.load(e.getKey());
      assertThat(file.cases()).as(file.name()).hasSizeGreaterThanOrEqualTo(14);
      VersionScheme scheme = e.getValue();
      for (VersionDataFile.Case c : file.cases()) {
        tests.add(
            dynamicTest(
                file.name() + ":" + c,
                () -> {
                  assertThat(Integer.signum(scheme.compare(c.a(), c.b())))
                      .as("%s compare(%s, %s)", scheme.name(), c.a(), c.b())
                      .isEqualTo(c.expected());
                  assertThat(Integer.signum(scheme.compare(c.b(), c.a())))
                      .as("%s compare(%s, %s)", scheme.name(), c.b(), c.a())
                      .isEqualTo(-c.expected());
                }));
      }
    }
    return tests.stream();
  }
}
